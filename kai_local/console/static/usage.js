// Usage: this key's month from GET /usage, as cards, SVG charts and a table of the numbers.

import { barChart } from "./charts.js";
import { formatBytes } from "./files.js";
import { Panel } from "./panel.js";

// The product permissions, as the API names them (kai_local/endpoints.py), in the tabs' order.
export const ENDPOINTS = ["documents_anonymize", "audio_transcriptions", "documents_strip_metadata", "chat_completions"];

export function duration(seconds, i18n) {
  const total = Math.round(seconds);
  if (total < 60) return i18n.t("unit.seconds", { n: i18n.number(total) });
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours) return i18n.t("unit.hours_minutes", { h: i18n.number(hours), m: minutes });
  return i18n.t("unit.minutes_seconds", { m: minutes, s: total % 60 });
}

export class UsagePage {
  constructor(element, { api, i18n, session }) {
    this.panel = new Panel(element, i18n);
    this.api = api;
    this.i18n = i18n;
    this.session = session;
    element.querySelector("#usage-refresh").addEventListener("click", () => this.refresh());
    i18n.onChange(() => this.session.usage && this.render(this.session.usage));
  }

  async refresh() {
    this.panel.status("usage.loading");
    try {
      this.session.usage = await this.api.json("usage");
      this.render(this.session.usage);
      this.panel.status("usage.loaded");
    } catch (problem) {
      this.panel.error(problem);
    }
  }

  render(usage) {
    const t = (key, vars) => this.i18n.t(key, vars);
    const n = (value) => this.i18n.number(value);
    this.panel.element.querySelector("#usage-period").textContent = usage.period;
    const byEndpoint = usage.usage_by_endpoint || {};
    const endpoints = ENDPOINTS.filter((name) => usage.enabled_endpoints.includes(name) || byEndpoint[name]);
    const counts = (name) => ({ requests: 0, ok: 0, errors: 0, tokens_in: 0, tokens_out: 0, audio_seconds: 0, ...byEndpoint[name] });

    // Cards: the month's totals and the key's limits.
    const cap = usage.monthly_usage_cap;
    const cards = [
      ["usage.status", t(usage.status === "active" ? "usage.status_active" : "usage.status_inactive")],
      ["usage.requests", n(usage.total_requests), t("usage.ok_errors", { ok: n(usage.total_ok), errors: n(usage.total_errors) })],
      ["usage.tokens", n(usage.total_tokens_in + usage.total_tokens_out), t("usage.in_out", { in: n(usage.total_tokens_in), out: n(usage.total_tokens_out) })],
      ["usage.audio", duration(usage.total_audio_seconds, this.i18n)],
      ["usage.monthly_cap", cap == null ? t("usage.unlimited") : n(cap), cap == null ? "" : t("usage.remaining", { n: n(usage.usage_remaining) })],
      ["usage.rate_limit", t("usage.per_minute", { n: n(usage.rate_limit_per_minute) }), t("usage.concurrent", { n: n(usage.max_concurrent_requests) })],
      ["usage.max_file_size", formatBytes(usage.max_file_size, this.i18n)],
    ];
    if (usage.is_trial) {
      const ends = usage.trial_ends_at ? new Date(usage.trial_ends_at).toLocaleDateString(this.i18n.locale) : "–";
      const left = usage.trial_usage_remaining == null ? "" : t("usage.remaining", { n: n(usage.trial_usage_remaining) });
      cards.push(["usage.trial", t("usage.trial_until", { date: ends }), left]);
    }
    this.panel.element.querySelector("#usage-cards").replaceChildren(
      ...cards.map(([key, value, detail]) => {
        const card = document.createElement("div");
        card.className = "card";
        card.dataset.card = key.split(".")[1];
        const term = document.createElement("dt");
        term.textContent = t(key);
        const main = document.createElement("dd");
        main.className = "main";
        main.textContent = value;
        card.append(term, main);
        if (detail) {
          const more = document.createElement("dd");
          more.textContent = detail;
          card.append(more);
        }
        return card;
      }),
    );

    // Charts: requests ok/errors, the monthly cap, tokens in/out, audio time.
    const label = (name) => t(`endpoint.${name}`);
    const charts = [];
    charts.push(
      this.figure(
        barChart({
          id: "chart-requests",
          title: t("usage.chart_requests"),
          description: endpoints.map((name) => `${label(name)}: ${t("usage.ok_errors", { ok: counts(name).ok, errors: counts(name).errors })}`).join("; "),
          series: [
            { key: "ok", label: t("usage.ok"), style: "solid" },
            { key: "errors", label: t("usage.errors"), style: "hatch" },
          ],
          rows: endpoints.map((name) => ({
            label: label(name),
            values: counts(name),
            text: t("usage.ok_errors", { ok: n(counts(name).ok), errors: n(counts(name).errors) }),
          })),
        }),
      ),
    );
    if (cap != null) {
      const used = Math.max(0, cap - usage.usage_remaining);
      const text = t("usage.cap_text", { used: n(used), cap: n(cap), remaining: n(usage.usage_remaining) });
      charts.push(
        this.figure(
          barChart({
            id: "chart-cap",
            title: t("usage.chart_cap"),
            description: text,
            series: [
              { key: "used", label: t("usage.used"), style: "solid" },
              { key: "remaining", label: t("usage.left"), style: "outline" },
            ],
            rows: [{ label: usage.period, values: { used, remaining: usage.usage_remaining }, text: `${n(used)} / ${n(cap)}` }],
            max: cap,
          }),
        ),
      );
    }
    const tokenRows = endpoints.filter((name) => counts(name).tokens_in || counts(name).tokens_out || name === "chat_completions");
    charts.push(
      this.figure(
        barChart({
          id: "chart-tokens",
          title: t("usage.chart_tokens"),
          description: tokenRows.map((name) => `${label(name)}: ${t("usage.in_out", { in: counts(name).tokens_in, out: counts(name).tokens_out })}`).join("; ") || t("usage.none_yet"),
          series: [
            { key: "tokens_in", label: t("usage.tokens_in"), style: "solid" },
            { key: "tokens_out", label: t("usage.tokens_out"), style: "dots" },
          ],
          rows: tokenRows.map((name) => ({
            label: label(name),
            values: counts(name),
            text: t("usage.in_out", { in: n(counts(name).tokens_in), out: n(counts(name).tokens_out) }),
          })),
        }),
      ),
    );
    const audioRows = endpoints.filter((name) => name === "audio_transcriptions" || counts(name).audio_seconds);
    charts.push(
      this.figure(
        barChart({
          id: "chart-audio",
          title: t("usage.chart_audio"),
          description: audioRows.map((name) => `${label(name)}: ${duration(counts(name).audio_seconds, this.i18n)}`).join("; ") || t("usage.none_yet"),
          series: [{ key: "audio_seconds", label: t("usage.audio_seconds"), style: "solid" }],
          rows: audioRows.map((name) => ({ label: label(name), values: counts(name), text: duration(counts(name).audio_seconds, this.i18n) })),
        }),
      ),
    );
    this.panel.element.querySelector("#usage-charts").replaceChildren(...charts);

    // The numbers behind the charts, as a table.
    const rows = endpoints.map((name) => {
      const row = document.createElement("tr");
      const head = document.createElement("th");
      head.scope = "row";
      head.textContent = label(name);
      row.append(head);
      const c = counts(name);
      for (const value of [c.requests, c.ok, c.errors, c.tokens_in, c.tokens_out, Math.round(c.audio_seconds)]) {
        const cell = document.createElement("td");
        cell.textContent = n(value);
        row.append(cell);
      }
      row.dataset.endpoint = name;
      return row;
    });
    this.panel.element.querySelector("#usage-table tbody").replaceChildren(...rows);
  }

  figure(chart) {
    const figure = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = chart.querySelector("title").textContent;
    figure.append(caption, chart);
    return figure;
  }
}
