"""SubRip (srt) and WebVTT (vtt) from a transcript, in readable cues.

Whisper segments can run to 30 s and 200 characters; subtitle practice is at most two lines of
about 42 characters per cue. Long segments are split into several cues, timed by their words'
timestamps when the transcript has them, else by their share of the segment's characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from kai_local.engines.speech.base import Segment, Transcript

MAX_LINE_CHARS = 42
MAX_LINES = 2


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _TimedWord:
    text: str
    start: float
    end: float


def _timed_words(segment: Segment) -> list[_TimedWord]:
    if segment.words:
        return [_TimedWord(w.word.strip(), w.start, w.end) for w in segment.words if w.word.strip()]
    pieces = [
        word[i : i + MAX_LINE_CHARS]
        for word in segment.text.split()
        for i in range(0, len(word), MAX_LINE_CHARS)  # unspaced scripts: cut over-long runs
    ]
    total = sum(len(p) + 1 for p in pieces) - 1
    span = max(segment.end - segment.start, 0.0)
    words, offset = [], 0
    for piece in pieces:
        start = segment.start + span * offset / total
        offset += len(piece)
        words.append(_TimedWord(piece, start, segment.start + span * offset / total))
        offset += 1
    return words


def _width(words: list[_TimedWord]) -> int:
    return sum(len(w.text) for w in words) + len(words) - 1


def _two_lines(words: list[_TimedWord]) -> list[list[_TimedWord]] | None:
    """One line if it fits, else the most even break into two; None if two lines cannot hold it."""
    if _width(words) <= MAX_LINE_CHARS:
        return [words]
    splits = [
        (max(_width(words[:i]), _width(words[i:])), i)
        for i in range(1, len(words))
        if _width(words[:i]) <= MAX_LINE_CHARS and _width(words[i:]) <= MAX_LINE_CHARS
    ]
    if not splits:
        return None
    cut = min(splits)[1]
    return [words[:cut], words[cut:]]


def _even_groups(words: list[_TimedWord], count: int) -> list[list[_TimedWord]]:
    """`count` runs of consecutive words with about the same number of characters each."""
    total = _width(words)
    groups: list[list[_TimedWord]] = [[]]
    done = 0
    for word in words:
        boundary = total * len(groups) / count
        # Close the group when this word would end nearer the next boundary than the last did.
        if groups[-1] and len(groups) < count and done + len(word.text) / 2 > boundary:
            groups.append([])
        groups[-1].append(word)
        done += len(word.text) + 1
    return groups


def _cue_lines(words: list[_TimedWord]) -> list[list[list[_TimedWord]]]:
    """The fewest cues of at most two lines each, the text spread evenly over them."""
    count = max(1, -(-_width(words) // (MAX_LINE_CHARS * MAX_LINES)))
    while True:
        cues = [_two_lines(group) for group in _even_groups(words, count)]
        if all(cue is not None for cue in cues) or count >= len(words):
            return [
                cue if cue is not None else [[w] for w in group] for cue, group in zip(cues, _even_groups(words, count))
            ]
        count += 1


def cues(transcript: Transcript) -> list[Cue]:
    result: list[Cue] = []
    for segment in transcript.segments:
        words = _timed_words(segment)
        if not words:
            continue
        groups = _cue_lines(words)
        for i, lines in enumerate(groups):
            start = min(segment.start, lines[0][0].start) if i == 0 else lines[0][0].start
            end = max(segment.end, lines[-1][-1].end) if i == len(groups) - 1 else lines[-1][-1].end
            if result:  # never overlap the cue before
                start = max(start, result[-1].end)
            text = tuple(" ".join(w.text for w in line) for line in lines)
            result.append(Cue(start, max(end, start), text))
    return result


def timestamp(seconds: float, separator: str) -> str:
    """HH:MM:SS,mmm (srt) or HH:MM:SS.mmm (vtt)."""
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def to_srt(transcript: Transcript) -> str:
    return "\n".join(
        f"{number}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n" + "\n".join(c.lines) + "\n"
        for number, c in enumerate(cues(transcript), start=1)
    )


def _vtt_text(line: str) -> str:
    # In WebVTT cue text "&" and "<" start markup; "-->" would end the cue's timing line.
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(transcript: Transcript) -> str:
    blocks = [
        f"{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n"
        + "\n".join(_vtt_text(line) for line in c.lines)
        + "\n"
        for c in cues(transcript)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
