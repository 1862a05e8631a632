// Transcript downloads built from verbose_json's segments, in the browser: no second
// transcription for another format.

/** 3725.5 -> "01:02:05,500" (SRT) or "01:02:05.500" (WebVTT). */
export function timestamp(seconds, separator = ",") {
  const millis = Math.max(0, Math.round(seconds * 1000));
  const pad = (value, width = 2) => String(value).padStart(width, "0");
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const secs = Math.floor((millis % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(millis % 1000, 3)}`;
}

/** Short "m:ss" (or "h:mm:ss") for the page. */
export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** A cue's text in lines of about 42 characters, at most two (the usual subtitle layout). */
export function cueLines(text, width = 42) {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.join(" ").length <= width) return [words.join(" ")];
  // Two lines split at the word boundary nearest the middle.
  let best = 1;
  let bestDiff = Infinity;
  for (let i = 1; i < words.length; i += 1) {
    const diff = Math.abs(words.slice(0, i).join(" ").length - words.slice(i).join(" ").length);
    if (diff < bestDiff) [best, bestDiff] = [i, diff];
  }
  return [words.slice(0, best).join(" "), words.slice(best).join(" ")];
}

function cues(segments) {
  return segments.filter((segment) => segment.text.trim());
}

export function toSrt(segments) {
  return cues(segments)
    .map(
      (segment, i) =>
        `${i + 1}\n${timestamp(segment.start)} --> ${timestamp(segment.end)}\n${cueLines(segment.text).join("\n")}\n`,
    )
    .join("\n");
}

export function toVtt(segments) {
  const body = cues(segments)
    .map((segment) => `${timestamp(segment.start, ".")} --> ${timestamp(segment.end, ".")}\n${cueLines(segment.text).join("\n")}\n`)
    .join("\n");
  return `WEBVTT\n\n${body}`;
}

export function toText(segments) {
  return cues(segments)
    .map((segment) => segment.text.trim())
    .join("\n") + "\n";
}
