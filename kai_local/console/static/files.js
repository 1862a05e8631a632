// Files in and out: drop zones on file inputs, downloads of blobs under a given name.

/** Make `zone` accept a dropped file for its file input; `onFile(file)` on every choice. */
export function wireDropZone(zone, input, onFile) {
  const hover = (on) => zone.classList.toggle("dragging", on);
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    hover(true);
  });
  zone.addEventListener("dragleave", () => hover(false));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    hover(false);
    if (!event.dataTransfer.files.length) return;
    const chosen = new DataTransfer();
    chosen.items.add(event.dataTransfer.files[0]); // one file per request, as the API takes
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  input.addEventListener("change", () => {
    if (input.files.length) onFile?.(input.files[0]);
  });
}

/** Save `blob` as a download named `filename` (an object URL, revoked afterwards). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveText(text, filename, type = "text/plain") {
  saveBlob(new Blob([text], { type: `${type};charset=utf-8` }), filename);
}

export function base64ToBlob(encoded, type) {
  const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: type || "application/octet-stream" });
}

/** The file name of a Content-Disposition header (RFC 5987 filename* first), or null. */
export function filenameFromDisposition(header) {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // malformed escapes: try the plain form
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(header);
  if (!plain) return null;
  return (plain[1] ?? plain[2]).replace(/\\(.)/g, "$1").trim();
}

/** `name` with its extension replaced by `extension` (or added). */
export function withExtension(name, extension) {
  const base = (name || "download").replace(/\.[^./\\]{1,8}$/, "");
  return `${base}.${extension}`;
}

export function formatBytes(bytes, i18n) {
  if (bytes >= 1024 * 1024) return `${i18n.number(bytes / (1024 * 1024), { maximumFractionDigits: 1 })} MB`;
  if (bytes >= 1024) return `${i18n.number(bytes / 1024, { maximumFractionDigits: 0 })} KB`;
  return `${i18n.number(bytes)} B`;
}
