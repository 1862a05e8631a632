// Translations. The texts of both languages are in messages.json; elements carry their key in
// data-i18n (text), data-i18n-title, data-i18n-placeholder or data-i18n-aria-label, so that
// switching the language re-translates the page, including what the scripts added.

export const LANGUAGES = ["de", "en"];
const STORED_LANGUAGE = "kai-console-language"; // the toggle's choice (not secret: localStorage)

/** German unless the browser names English before German; a choice made with the toggle wins. */
export function pickLanguage(stored, browserLanguages) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of browserLanguages || []) {
    const primary = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "de";
}

export class I18n {
  constructor(messages, language, storage) {
    this.messages = messages;
    this.language = language;
    this.storage = storage;
    this.listeners = [];
  }

  static forBrowser(messages, storage) {
    let stored = null;
    try {
      stored = storage.getItem(STORED_LANGUAGE);
    } catch {
      stored = null; // storage refused (privacy settings): fall back to the browser's languages
    }
    return new I18n(messages, pickLanguage(stored, navigator.languages), storage);
  }

  get locale() {
    return this.language === "de" ? "de-AT" : "en-GB";
  }

  get other() {
    return this.language === "de" ? "en" : "de";
  }

  /** The text of `key`, with {name} replaced by vars.name; a var {key: "..."} is itself
   * translated (so that it follows a language switch too). */
  t(key, vars = {}) {
    const text = this.messages[this.language]?.[key] ?? this.messages.de?.[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!(name in vars)) return whole;
      const value = vars[name];
      return value && typeof value === "object" && "key" in value ? this.t(value.key) : String(value);
    });
  }

  number(value, options = {}) {
    return new Intl.NumberFormat(this.locale, options).format(value);
  }

  /** Give `element` the text of `key` and remember the key for a later language switch. */
  set(element, key, vars) {
    element.dataset.i18n = key;
    if (vars) element.dataset.i18nVars = JSON.stringify(vars);
    else delete element.dataset.i18nVars;
    element.textContent = this.t(key, vars);
    return element;
  }

  /** Empty `element` and forget its key, so that a language switch leaves it empty. */
  clear(element) {
    delete element.dataset.i18n;
    delete element.dataset.i18nVars;
    element.textContent = "";
  }

  /** Translate every marked element under `root`. */
  apply(root = document) {
    document.documentElement.lang = this.language;
    for (const element of root.querySelectorAll("[data-i18n]")) {
      const vars = element.dataset.i18nVars ? JSON.parse(element.dataset.i18nVars) : undefined;
      element.textContent = this.t(element.dataset.i18n, vars);
    }
    for (const attribute of ["title", "placeholder", "aria-label"]) {
      const data = "i18n" + attribute.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());
      for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
        element.setAttribute(attribute, this.t(element.dataset[data]));
      }
    }
  }

  switchTo(language) {
    this.language = language;
    try {
      this.storage.setItem(STORED_LANGUAGE, language);
    } catch {
      // not remembered; the switch still applies to this page
    }
    this.apply();
    for (const listener of this.listeners) listener(language);
  }

  onChange(listener) {
    this.listeners.push(listener);
  }
}
