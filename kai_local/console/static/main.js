// The console's start: translations, the key (asked once, kept in this tab's sessionStorage),
// the tabs, and which pages the key's product allows (GET /usage's enabled_endpoints).

import { AnonymizePage } from "./anonymize.js";
import { Api, ApiError } from "./api.js";
import { ChatPage } from "./chat.js";
import { I18n } from "./i18n.js";
import { MetadataPage } from "./metadata.js";
import { TranscribePage } from "./transcribe.js";
import { UsagePage } from "./usage.js";

// Each page, the product permission it needs and the kind of model it needs (if any).
const PAGES = {
  anonymize: { permission: "documents_anonymize", page: AnonymizePage },
  transcribe: { permission: "audio_transcriptions", page: TranscribePage, models: "transcription" },
  metadata: { permission: "documents_strip_metadata", page: MetadataPage },
  chat: { permission: "chat_completions", page: ChatPage, models: "chat" },
  usage: { permission: null, page: UsagePage },
};

class Console {
  constructor(messages) {
    this.i18n = I18n.forBrowser(messages, localStorage);
    this.api = new Api(sessionStorage);
    this.session = { usage: null, models: [] }; // what the API said about this key
    const context = { api: this.api, i18n: this.i18n, session: this.session };
    this.pages = Object.fromEntries(
      Object.entries(PAGES).map(([name, spec]) => [name, new spec.page(document.getElementById(`panel-${name}`), context)]),
    );
    this.tabs = [...document.querySelectorAll('[role="tab"]')];
    this.login = document.getElementById("login");
    this.workspace = document.getElementById("workspace");
    this.keyError = document.getElementById("key-error");
    this.keyStatus = document.getElementById("key-status");
  }

  start() {
    this.i18n.apply();
    this.updateLanguageToggle();
    document.getElementById("lang-toggle").addEventListener("click", () => {
      this.i18n.switchTo(this.i18n.other);
      this.updateLanguageToggle();
    });
    document.getElementById("key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = document.getElementById("key-input");
      this.connect(input.value.trim());
    });
    for (const id of ["key-input", "key-connect"]) document.getElementById(id).disabled = false;
    document.getElementById("forget-key").addEventListener("click", () => {
      this.api.forget();
      window.location.reload(); // nothing of this session's documents stays in the page
    });
    this.wireTabs();
    if (this.api.key) this.connect(this.api.key);
    else document.getElementById("key-input").focus();
  }

  updateLanguageToggle() {
    const toggle = document.getElementById("lang-toggle");
    toggle.lang = this.i18n.other;
  }

  /** Check the key with GET /usage; keep it for this tab only when the API takes it. */
  async connect(key) {
    if (!key) return;
    this.i18n.clear(this.keyError);
    this.i18n.set(this.keyStatus, "key.checking");
    try {
      this.session.usage = await this.api.json("usage", { key });
    } catch (problem) {
      this.i18n.clear(this.keyStatus);
      if (problem instanceof ApiError && problem.status !== 0) {
        this.api.forget(); // refused: a stored key is dropped (a server that is down keeps it)
        this.i18n.set(this.keyError, "error.api", { status: problem.status, message: problem.message });
      } else {
        this.i18n.set(this.keyError, "error.network");
      }
      this.showLogin();
      return;
    }
    this.api.remember(key);
    try {
      this.session.models = (await this.api.json("models")).data;
    } catch {
      this.session.models = []; // e.g. a trial that ended: /usage still answers, to show why
    }
    document.getElementById("key-input").value = "";
    this.i18n.clear(this.keyStatus);
    this.showWorkspace();
  }

  showLogin() {
    this.login.hidden = false;
    this.workspace.hidden = true;
    document.getElementById("forget-key").hidden = true;
    document.getElementById("product-line").hidden = true;
    document.getElementById("key-input").focus();
  }

  showWorkspace() {
    const { usage, models } = this.session;
    document.getElementById("product-label").textContent = usage.product_label || usage.product;
    document.getElementById("product-line").hidden = false;
    document.getElementById("forget-key").hidden = false;
    for (const [name, spec] of Object.entries(PAGES)) {
      const kindModels = spec.models ? models.filter((model) => model.kind === spec.models) : [];
      this.pages[name].setModels?.(kindModels);
      let reason = null;
      if (spec.permission && !usage.enabled_endpoints.includes(spec.permission)) reason = "unavailable.permission";
      else if (spec.models && !kindModels.length) reason = `unavailable.no_${spec.models}_model`;
      else if (usage.status !== "active" && name !== "usage") reason = "unavailable.inactive";
      this.setAvailable(name, reason);
    }
    this.login.hidden = true;
    this.workspace.hidden = false;
    const first = this.tabs.find((tab) => !tab.dataset.unavailable) || this.tabs[this.tabs.length - 1];
    this.select(first, false);
  }

  /** A page the product does not allow stays reachable, showing why instead of its form. */
  setAvailable(name, reason) {
    const tab = document.getElementById(`tab-${name}`);
    const panel = document.getElementById(`panel-${name}`);
    const note = tab.querySelector(".tab-note");
    const explanation = panel.querySelector(".unavailable");
    const body = panel.querySelector(".panel-body");
    if (reason) {
      tab.dataset.unavailable = reason;
      this.i18n.set(note, "tabs.unavailable");
      note.hidden = false;
      this.i18n.set(explanation, reason, { page: { key: `tabs.${name}` } });
      explanation.hidden = false;
      body.hidden = true;
    } else {
      delete tab.dataset.unavailable;
      note.hidden = true;
      if (explanation) explanation.hidden = true;
      body.hidden = false;
    }
  }

  /** The tabs follow the ARIA tabs pattern: arrow keys, Home and End move between them. */
  wireTabs() {
    this.tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => this.select(tab, true));
      tab.addEventListener("keydown", (event) => {
        const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: this.tabs.length - 1 };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = this.tabs[(moves[event.key] + this.tabs.length) % this.tabs.length];
        this.select(next, true);
        next.focus();
      });
    });
  }

  select(tab, byUser) {
    for (const other of this.tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    const name = tab.dataset.page;
    if (name === "usage") this.pages.usage.refresh();
    if (byUser) document.getElementById(`panel-${name}`).scrollIntoView({ block: "nearest" });
  }
}

const response = await fetch(new URL("messages.json", import.meta.url), { cache: "no-cache" });
new Console(await response.json()).start();
