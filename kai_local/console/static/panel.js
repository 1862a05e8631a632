// What every page of the console shares: its status line (aria-live), its error line
// (role=alert, the API's own message), a busy state, and the file-size check before an upload.

import { ApiError } from "./api.js";
import { formatBytes } from "./files.js";

export class Panel {
  constructor(element, i18n) {
    this.element = element;
    this.i18n = i18n;
    this.statusLine = element.querySelector("[data-status]");
    this.errorLine = element.querySelector("[data-error]");
  }

  status(key, vars) {
    this.i18n.clear(this.errorLine);
    if (key) this.i18n.set(this.statusLine, key, vars);
    else this.i18n.clear(this.statusLine);
  }

  /** Show an error: an ApiError as the API worded it, a network failure, or a message key. */
  error(problem, vars) {
    this.status(null);
    if (typeof problem === "string") {
      this.i18n.set(this.errorLine, problem, vars);
    } else if (problem instanceof ApiError && problem.status === 0) {
      this.i18n.set(this.errorLine, "error.network");
    } else if (problem instanceof ApiError) {
      this.i18n.set(this.errorLine, "error.api", { status: problem.status, message: problem.message });
    } else if (problem instanceof TypeError) {
      this.i18n.set(this.errorLine, "error.network"); // fetch's way to say the server is gone
    } else {
      this.i18n.set(this.errorLine, "error.unexpected", { message: String(problem?.message || problem) });
    }
  }

  /** Disable the panel's buttons while `work` runs (and mark it busy for assistive technology). */
  async busy(work, ...keep) {
    const buttons = [...this.element.querySelectorAll("button")].filter((b) => !keep.includes(b));
    const before = buttons.map((b) => b.disabled);
    buttons.forEach((b) => (b.disabled = true));
    this.element.setAttribute("aria-busy", "true");
    try {
      return await work();
    } finally {
      buttons.forEach((b, i) => (b.disabled = before[i]));
      this.element.removeAttribute("aria-busy");
    }
  }

  /** False (and says why) when `file` is over the product's limit; the API would refuse it. */
  fits(file, maxBytes) {
    if (!maxBytes || file.size <= maxBytes) return true;
    this.error("error.too_large", {
      name: file.name,
      size: formatBytes(file.size, this.i18n),
      limit: formatBytes(maxBytes, this.i18n),
    });
    return false;
  }
}
