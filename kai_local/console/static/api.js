// The public API, called with the key the user pasted. The key lives in this tab's
// sessionStorage only (gone when the tab closes) and travels only in the Authorization header.

const KEY_STORAGE = "kai-console-key";

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** The API's own message from its error envelope {"error": {"message", ...}}. */
export async function errorOf(response) {
  let message = "";
  let code = null;
  try {
    const body = await response.json();
    message = body?.error?.message || "";
    code = body?.error?.code ?? null;
  } catch {
    message = ""; // not JSON (a proxy's page): the status alone
  }
  return new ApiError(message || `HTTP ${response.status} ${response.statusText}`.trim(), response.status, code);
}

export class Api {
  constructor(storage) {
    this.storage = storage;
    // Relative to the page (/ui/), so that a reverse proxy's path prefix is kept.
    this.base = new URL("../api/v1/", document.baseURI);
  }

  get key() {
    return this.storage.getItem(KEY_STORAGE);
  }

  remember(key) {
    this.storage.setItem(KEY_STORAGE, key);
  }

  forget() {
    this.storage.removeItem(KEY_STORAGE);
  }

  url(path) {
    return new URL(path.replace(/^\//, ""), this.base).href;
  }

  /** fetch() with the key; the response when it is ok, else an ApiError with the API's message. */
  async request(path, { method = "GET", body, headers = {}, signal, key = this.key } = {}) {
    const response = await fetch(this.url(path), {
      method,
      body,
      signal,
      headers: { Authorization: `Bearer ${key}`, ...headers },
      credentials: "omit", // nothing but the header authenticates
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async json(path, options = {}) {
    const response = await this.request(path, { ...options, headers: { Accept: "application/json", ...options.headers } });
    return response.json();
  }

  /** A multipart POST through XMLHttpRequest, which reports upload progress (fetch does not).
   * `onProgress(fraction)` while sending, `onSent()` when the server has it all. */
  upload(path, form, { onProgress, onSent } = {}) {
    const xhr = new XMLHttpRequest();
    const done = new Promise((resolve, reject) => {
      xhr.open("POST", this.url(path));
      xhr.setRequestHeader("Authorization", `Bearer ${this.key}`);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "text";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
      });
      xhr.upload.addEventListener("load", () => onSent?.());
      xhr.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
        else reject(new ApiError(body?.error?.message || `HTTP ${xhr.status}`, xhr.status, body?.error?.code ?? null));
      });
      xhr.addEventListener("error", () => reject(new ApiError("network", 0, "network_error")));
      xhr.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      xhr.send(form);
    });
    return { done, abort: () => xhr.abort() };
  }
}
