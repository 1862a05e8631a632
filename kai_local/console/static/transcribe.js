// Transcribe: an audio or video file goes to POST /audio/transcriptions (verbose_json) through
// XMLHttpRequest for its upload progress; then "processing" until the transcript comes back.

import { saveText, wireDropZone, withExtension } from "./files.js";
import { Panel } from "./panel.js";
import { clock, toSrt, toText, toVtt } from "./subtitles.js";

const FORMATS = {
  txt: { build: toText, type: "text/plain" },
  srt: { build: toSrt, type: "application/x-subrip" },
  vtt: { build: toVtt, type: "text/vtt" },
};

export class TranscribePage {
  constructor(element, { api, i18n, session }) {
    this.panel = new Panel(element, i18n);
    this.api = api;
    this.i18n = i18n;
    this.session = session;
    this.input = element.querySelector("#tr-file");
    this.model = element.querySelector("#tr-model");
    this.cancelButton = element.querySelector("#tr-cancel");
    this.progressBox = element.querySelector("#tr-progress-box");
    this.progress = element.querySelector("#tr-progress");
    this.progressLabel = element.querySelector("#tr-progress-label");
    this.result = element.querySelector("#tr-result");
    this.running = null;
    this.last = null; // {name, transcript}

    wireDropZone(element.querySelector("[data-drop]"), this.input);
    element.querySelector("#tr-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.cancelButton.addEventListener("click", () => this.running?.abort());
    for (const button of element.querySelectorAll("button[data-format]")) {
      button.addEventListener("click", () => this.download(button.dataset.format));
    }
  }

  /** The product's transcription models, after "the product's default" (no `model` sent). */
  setModels(models) {
    const standard = this.i18n.set(document.createElement("option"), "tr.model_default");
    standard.value = "";
    const options = models.map((model) => {
      const option = document.createElement("option");
      option.value = model.id;
      option.textContent = model.id;
      return option;
    });
    this.model.replaceChildren(standard, ...options);
  }

  showProgress(key, fraction) {
    this.progressBox.hidden = false;
    if (fraction === undefined) this.progress.removeAttribute("value"); // indeterminate
    else this.progress.value = Math.round(fraction * 100);
    this.i18n.set(this.progressLabel, key, { percent: Math.round((fraction || 0) * 100) });
  }

  async run() {
    const file = this.input.files[0];
    if (!file) return this.panel.error("error.no_file");
    if (!this.panel.fits(file, this.session.usage?.max_file_size)) return;
    const form = new FormData();
    form.append("file", file, file.name);
    if (this.model.value) form.append("model", this.model.value);
    form.append("response_format", "verbose_json");
    const language = this.panel.element.querySelector("#tr-language").value;
    if (language) form.append("language", language);

    this.result.hidden = true;
    this.panel.status("tr.uploading");
    this.showProgress("tr.upload_progress", 0);
    this.running = this.api.upload("audio/transcriptions", form, {
      onProgress: (fraction) => this.showProgress("tr.upload_progress", fraction),
      onSent: () => {
        this.showProgress("tr.processing");
        this.panel.status("tr.processing");
      },
    });
    this.cancelButton.hidden = false;
    await this.panel.busy(async () => {
      try {
        const transcript = await this.running.done;
        this.last = { name: file.name, transcript };
        this.show(transcript);
        this.panel.status("tr.done", { duration: clock(transcript.duration || 0) });
      } catch (problem) {
        if (problem?.name === "AbortError") this.panel.status("tr.cancelled");
        else this.panel.error(problem);
      } finally {
        this.running = null;
        this.cancelButton.hidden = true;
        this.progressBox.hidden = true;
      }
    }, this.cancelButton);
  }

  show(transcript) {
    this.panel.element.querySelector("#tr-lang").textContent = transcript.language || "–";
    this.panel.element.querySelector("#tr-duration").textContent = clock(transcript.duration || 0);
    const rows = (transcript.segments || []).map((segment) => {
      const row = document.createElement("tr");
      const time = document.createElement("td");
      time.className = "time";
      time.textContent = `${clock(segment.start)}–${clock(segment.end)}`;
      const text = document.createElement("td");
      text.textContent = segment.text.trim();
      row.append(time, text);
      return row;
    });
    if (!rows.length) {
      const row = document.createElement("tr");
      const cell = this.i18n.set(document.createElement("td"), "tr.no_speech");
      cell.colSpan = 2;
      row.append(cell);
      rows.push(row);
    }
    this.panel.element.querySelector("#tr-segments tbody").replaceChildren(...rows);
    this.result.hidden = false;
  }

  download(format) {
    if (!this.last) return;
    const { build, type } = FORMATS[format];
    saveText(build(this.last.transcript.segments || []), withExtension(this.last.name, format), type);
  }
}
