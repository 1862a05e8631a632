// Strip metadata: a file goes to POST /documents/strip-metadata with Accept: application/json;
// the answer holds the cleaned file and what exiftool read in it before and after, by group.

import { base64ToBlob, saveBlob, wireDropZone } from "./files.js";
import { Panel } from "./panel.js";

const OPEN_UP_TO = 12; // groups with more tags than this start folded (an ICC profile has ~30)

export class MetadataPage {
  constructor(element, { api, i18n, session }) {
    this.panel = new Panel(element, i18n);
    this.api = api;
    this.i18n = i18n;
    this.session = session;
    this.input = element.querySelector("#meta-file");
    this.result = element.querySelector("#meta-result");
    this.last = null;

    wireDropZone(element.querySelector("[data-drop]"), this.input);
    element.querySelector("#meta-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    element.querySelector("#meta-download").addEventListener("click", () => this.download());
  }

  async run() {
    const file = this.input.files[0];
    if (!file) return this.panel.error("error.no_file");
    if (!this.panel.fits(file, this.session.usage?.max_file_size)) return;
    const form = new FormData();
    form.append("file", file, file.name);
    this.result.hidden = true;
    this.panel.status("meta.running", { name: file.name });
    await this.panel.busy(async () => {
      try {
        this.last = await this.api.json("documents/strip-metadata", { method: "POST", body: form });
        this.show(this.last);
        this.panel.status("meta.done", { name: this.last.filename });
      } catch (problem) {
        this.panel.error(problem);
      }
    });
  }

  show(answer) {
    const summary = this.panel.element.querySelector("#meta-summary");
    if (answer.stripped_fields.length) {
      this.i18n.set(summary, "meta.stripped", { groups: answer.stripped_fields.join(", ") });
    } else {
      this.i18n.set(summary, "meta.none_found");
    }
    this.renderGroups(this.panel.element.querySelector("#meta-before"), answer.metadata_before, "meta.before_empty");
    this.renderGroups(this.panel.element.querySelector("#meta-after"), answer.metadata_after, "meta.after_empty");
    this.result.hidden = false;
  }

  /** One foldable table per group (EXIF, GPS, XMP, ...): tag and value, as text. */
  renderGroups(container, groups, emptyKey) {
    const entries = Object.entries(groups || {});
    if (!entries.length) {
      const note = this.i18n.set(document.createElement("p"), emptyKey);
      note.className = "empty";
      container.replaceChildren(note);
      return;
    }
    container.replaceChildren(
      ...entries.map(([group, tags]) => {
        const details = document.createElement("details");
        details.open = Object.keys(tags).length <= OPEN_UP_TO;
        details.dataset.group = group;
        const summary = document.createElement("summary");
        summary.append(`${group} `, this.i18n.set(document.createElement("span"), "meta.tag_count", {
          count: Object.keys(tags).length,
        }));
        const table = document.createElement("table");
        const body = document.createElement("tbody");
        for (const [tag, value] of Object.entries(tags)) {
          const row = document.createElement("tr");
          const name = document.createElement("th");
          name.scope = "row";
          name.textContent = tag;
          const cell = document.createElement("td");
          cell.textContent = String(value);
          row.append(name, cell);
          body.append(row);
        }
        table.append(body);
        details.append(summary, table);
        return details;
      }),
    );
  }

  download() {
    if (!this.last) return;
    saveBlob(base64ToBlob(this.last.file, this.last.content_type), this.last.filename);
  }
}
