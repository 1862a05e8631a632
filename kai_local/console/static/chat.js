// Chat: POST /chat/completions with stream=true; the server-sent events are read from the
// response body as they come (fetch + ReadableStream), and the Stop button aborts the request,
// which the server sees as the client leaving (the engine stops generating).

import { Panel } from "./panel.js";

/** Feed text chunks in, get the parsed `data:` payloads of each complete event out. */
export class EventParser {
  constructor() {
    this.buffer = "";
  }

  push(chunk) {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events = this.buffer.split("\n\n");
    this.buffer = events.pop(); // the incomplete rest
    const payloads = [];
    for (const event of events) {
      const data = event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n");
      if (data) payloads.push(data);
    }
    return payloads;
  }
}

export class ChatPage {
  constructor(element, { api, i18n }) {
    this.panel = new Panel(element, i18n);
    this.api = api;
    this.i18n = i18n;
    this.model = element.querySelector("#chat-model");
    this.log = element.querySelector("#chat-log");
    this.input = element.querySelector("#chat-input");
    this.sendButton = element.querySelector("#chat-send");
    this.stopButton = element.querySelector("#chat-stop");
    this.messages = []; // the conversation so far: {role, content}
    this.controller = null;

    element.querySelector("#chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter is a new line (as in common chat tools).
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    this.stopButton.addEventListener("click", () => this.controller?.abort());
    element.querySelector("#chat-clear").addEventListener("click", () => this.clear());
  }

  setModels(models) {
    this.model.replaceChildren(
      ...models.map((model) => {
        const option = document.createElement("option");
        option.value = option.textContent = model.id;
        return option;
      }),
    );
  }

  clear() {
    this.controller?.abort();
    this.messages = [];
    this.log.replaceChildren();
    this.panel.status(null);
    this.input.focus();
  }

  /** One message in the log: who (as text, not only by colour) and what. */
  bubble(role) {
    const item = document.createElement("li");
    item.className = `message message-${role}`;
    const who = this.i18n.set(document.createElement("p"), `chat.role_${role}`);
    who.className = "who";
    const text = document.createElement("div");
    text.className = "text";
    item.append(who, text);
    this.log.append(item);
    return text;
  }

  parameters() {
    const temperature = Number.parseFloat(this.panel.element.querySelector("#chat-temperature").value);
    const maxTokens = Number.parseInt(this.panel.element.querySelector("#chat-max-tokens").value, 10);
    const system = this.panel.element.querySelector("#chat-system").value.trim();
    return {
      model: this.model.value,
      messages: [...(system ? [{ role: "system", content: system }] : []), ...this.messages],
      stream: true,
      ...(Number.isFinite(temperature) ? { temperature } : {}),
      ...(Number.isFinite(maxTokens) ? { max_tokens: maxTokens } : {}),
    };
  }

  async send() {
    const content = this.input.value.trim();
    if (!content || this.controller) return;
    this.input.value = "";
    this.messages.push({ role: "user", content });
    const question = this.bubble("user");
    question.textContent = content;
    const answer = this.bubble("assistant");
    answer.parentElement.setAttribute("aria-busy", "true");
    this.controller = new AbortController();
    this.sendButton.disabled = true;
    this.stopButton.disabled = false;
    this.panel.status("chat.answering");
    let text = "";
    let finish = null;
    try {
      const response = await this.api.request("chat/completions", {
        method: "POST",
        body: JSON.stringify(this.parameters()),
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        signal: this.controller.signal,
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new EventParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const data of parser.push(value)) {
          if (data === "[DONE]") continue;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          const choice = chunk.choices?.[0];
          if (choice?.delta?.content) {
            text += choice.delta.content;
            answer.textContent = text;
            this.log.scrollTop = this.log.scrollHeight;
          }
          if (choice?.finish_reason) finish = choice.finish_reason;
        }
      }
      this.panel.status(finish === "length" ? "chat.done_length" : "chat.done");
    } catch (problem) {
      if (problem?.name === "AbortError") this.panel.status("chat.stopped");
      else this.panel.error(problem);
    } finally {
      answer.parentElement.removeAttribute("aria-busy");
      if (text) {
        this.messages.push({ role: "assistant", content: text });
        if (finish !== "stop") answer.parentElement.append(this.note(finish === "length" ? "chat.cut_length" : "chat.cut_stopped"));
      } else {
        // Nothing came back: the question goes back into the field, to be sent again.
        this.messages.pop();
        question.parentElement.remove();
        answer.parentElement.remove();
        this.input.value = content;
      }
      this.controller = null;
      this.sendButton.disabled = false;
      this.stopButton.disabled = true;
    }
  }

  note(key) {
    const note = this.i18n.set(document.createElement("p"), key);
    note.className = "note";
    return note;
  }
}
