// Anonymize: a document goes to POST /documents/anonymize; its sanitized text is shown with
// every placeholder marked by type, beside a legend and the mapping. Document text is only
// ever put into the page as text nodes (textContent), never parsed as HTML.

import { filenameFromDisposition, saveBlob, saveText, wireDropZone, withExtension } from "./files.js";
import { Panel } from "./panel.js";

// [[NAME_1]], [[CREDIT_CARD_2]]: the entity (upper-case PII type) and its number.
const PLACEHOLDER = /\[\[([A-Z][A-Z_]*)_(\d+)\]\]/g;

export function placeholderType(placeholder) {
  const match = /^\[\[([A-Z][A-Z_]*)_(\d+)\]\]$/.exec(placeholder);
  return match ? match[1].toLowerCase() : null;
}

/** The text as nodes: plain text, and a <mark class="pii pii-TYPE"> for each placeholder. */
export function markedNodes(text, i18n) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(placeholderMark(match[0], i18n));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function placeholderMark(placeholder, i18n) {
  const type = placeholderType(placeholder) || "other";
  const mark = document.createElement("mark");
  mark.className = `pii pii-${type}`;
  mark.dataset.type = type;
  mark.dataset.i18nTitle = `pii.${type}`;
  mark.title = i18n.t(`pii.${type}`);
  mark.textContent = placeholder;
  return mark;
}

export class AnonymizePage {
  constructor(element, { api, i18n, session }) {
    this.panel = new Panel(element, i18n);
    this.api = api;
    this.i18n = i18n;
    this.session = session;
    this.form = element.querySelector("#anon-form");
    this.input = element.querySelector("#anon-file");
    this.checkboxes = [...element.querySelectorAll('input[name="pii_types"]')];
    this.result = element.querySelector("#anon-result");
    this.last = null; // {file, types, data}: the shown result

    wireDropZone(element.querySelector("[data-drop]"), this.input);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    element.querySelector("#anon-types-all").addEventListener("click", () => this.checkAll(true));
    element.querySelector("#anon-types-none").addEventListener("click", () => this.checkAll(false));
    this.checkboxes.forEach((box) => box.addEventListener("change", () => this.countTypes()));
    element.querySelector("#anon-copy").addEventListener("click", () => this.copy());
    element.querySelector("#anon-download").addEventListener("click", () => this.downloadText());
    element.querySelector("#anon-redact").addEventListener("click", () => this.downloadRedacted());
    this.countTypes();
  }

  checkAll(on) {
    this.checkboxes.forEach((box) => (box.checked = on));
    this.countTypes();
  }

  countTypes() {
    const chosen = this.checkboxes.filter((box) => box.checked).length;
    this.i18n.set(this.panel.element.querySelector("#anon-types-count"), "anon.types_count", {
      chosen,
      total: this.checkboxes.length,
    });
  }

  /** The form fields for pii_types: none when all are chosen (the API's default: all 26). */
  typeFields(form, types) {
    if (types.length < this.checkboxes.length) types.forEach((type) => form.append("pii_types", type));
  }

  async run() {
    const file = this.input.files[0];
    if (!file) return this.panel.error("error.no_file");
    const types = this.checkboxes.filter((box) => box.checked).map((box) => box.value);
    if (!types.length) return this.panel.error("anon.no_types");
    if (!this.panel.fits(file, this.session.usage?.max_file_size)) return;
    const form = new FormData();
    form.append("files", file, file.name);
    this.typeFields(form, types);
    this.panel.status("anon.running", { name: file.name });
    await this.panel.busy(async () => {
      try {
        const answer = await this.api.json("documents/anonymize", { method: "POST", body: form });
        this.last = { file, types, data: answer.data[0] };
        this.show(this.last.data);
        this.panel.status("anon.done", { count: Object.keys(this.last.data.placeholders).length });
      } catch (problem) {
        this.panel.error(problem);
      }
    });
  }

  show(data) {
    const text = this.panel.element.querySelector("#anon-text");
    text.replaceChildren(...markedNodes(data.sanitized_text, this.i18n));

    const counts = new Map();
    for (const placeholder of Object.keys(data.placeholders)) {
      const type = placeholderType(placeholder) || "other";
      counts.set(type, (counts.get(type) || 0) + 1);
    }
    const legend = this.panel.element.querySelector("#anon-legend");
    legend.replaceChildren(
      ...[...counts].map(([type, count]) => {
        const item = document.createElement("li");
        const sample = document.createElement("mark");
        sample.className = `pii pii-${type}`;
        sample.textContent = type.toUpperCase();
        sample.setAttribute("aria-hidden", "true");
        const name = this.i18n.set(document.createElement("span"), `pii.${type}`);
        const number = this.i18n.set(document.createElement("span"), "anon.legend_count", { count });
        item.append(sample, " ", name, " ", number);
        return item;
      }),
    );
    if (!counts.size) legend.replaceChildren(this.i18n.set(document.createElement("li"), "anon.nothing_found"));

    const rows = Object.entries(data.placeholders).map(([placeholder, original]) => {
      const row = document.createElement("tr");
      const key = document.createElement("td");
      key.append(placeholderMark(placeholder, this.i18n));
      const value = document.createElement("td");
      value.textContent = original;
      row.append(key, value);
      return row;
    });
    this.panel.element.querySelector("#anon-map tbody").replaceChildren(...rows);
    this.result.hidden = false;
  }

  async copy() {
    if (!this.last) return;
    const text = this.last.data.sanitized_text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      copyBySelection(text); // the Clipboard API needs HTTPS or localhost; a clinic LAN may have neither
    }
    this.panel.status("anon.copied");
  }

  downloadText() {
    if (!this.last) return;
    saveText(this.last.data.sanitized_text, withExtension(this.last.data.sanitized_filename, "txt"));
  }

  /** The same document redacted in its own format (POST /documents/redact), same types. */
  async downloadRedacted() {
    if (!this.last) return;
    const { file, types, data } = this.last;
    const form = new FormData();
    form.append("file", file, file.name);
    this.typeFields(form, types);
    form.append("style", this.panel.element.querySelector("#anon-style").value);
    this.panel.status("anon.redacting");
    await this.panel.busy(async () => {
      try {
        const response = await this.api.request("documents/redact", { method: "POST", body: form });
        const name = filenameFromDisposition(response.headers.get("Content-Disposition")) || data.sanitized_filename;
        saveBlob(await response.blob(), name);
        this.panel.status("anon.redacted", { name });
      } catch (problem) {
        this.panel.error(problem);
      }
    });
  }
}

function copyBySelection(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}
