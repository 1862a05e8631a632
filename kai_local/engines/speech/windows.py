"""Long audio in windows, so one upload's memory stays flat however long it is.

faster-whisper computes the spectrogram of the whole input at once, peaking near 60 MB per minute
of audio (measured: 587 MB for 10 minutes), so a 3-hour upload would need ~11 GB in one job.
Past `WINDOW_SECONDS` the audio
is cut at the quietest moment near each window's end, every window is transcribed with the
language of the first (as Whisper itself detects it from the first 30 s) and the text before it
as its prompt, and the pieces are joined with their timestamps shifted back into place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from kai_local.engines.speech.base import Segment, Transcript, TranscriptionOptions

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 300.0  # ~300 MB of spectrogram work at most
SEARCH_SECONDS = 15.0  # look this far back from a window's end for a pause
FRAME = SAMPLE_RATE // 10  # 100 ms energy frames
PROMPT_CHARS = 500  # Whisper keeps at most the last 223 prompt tokens anyway

Transcribe = Callable[[np.ndarray, TranscriptionOptions], Transcript]


def cut_points(samples: np.ndarray, window_seconds: float = WINDOW_SECONDS) -> list[int]:
    """Sample offsets where windows start (the first is 0), each at the quietest 100 ms near
    the end of the window before it."""
    window = int(window_seconds * SAMPLE_RATE)
    search = int(min(SEARCH_SECONDS, window_seconds / 2) * SAMPLE_RATE)
    points = [0]
    while samples.size - points[-1] > window:
        end = points[-1] + window
        region = samples[end - search : end]
        frames = region[: region.size // FRAME * FRAME].reshape(-1, FRAME)
        quietest = int(np.argmin(np.square(frames, dtype=np.float32).mean(axis=1)))
        points.append(end - search + quietest * FRAME + FRAME // 2)
    return points


def _shift(segment: Segment, index: int, offset: float, limit: float) -> Segment:
    """Into the whole file's time; a time Whisper put past its window's end is clamped to it."""

    def at(t: float) -> float:
        return round(min(t + offset, limit), 3)

    return replace(
        segment,
        id=index,
        seek=segment.seek + round(offset * 100),  # seek counts 10 ms mel frames
        start=at(segment.start),
        end=at(segment.end),
        words=tuple(replace(w, start=at(w.start), end=at(w.end)) for w in segment.words),
    )


def transcribe_in_windows(
    transcribe: Transcribe,
    samples: np.ndarray,
    options: TranscriptionOptions,
    window_seconds: float = WINDOW_SECONDS,
) -> Transcript:
    points = cut_points(samples, window_seconds)
    if len(points) == 1:
        return transcribe(samples, options)
    segments: list[Segment] = []
    language = options.language
    prompt = options.prompt
    for start, end in zip(points, points[1:] + [samples.size]):
        part = transcribe(samples[start:end], replace(options, language=language, prompt=prompt))
        if part.segments:  # a window without speech says nothing about the language
            language = language or part.language
        offset, limit = start / SAMPLE_RATE, end / SAMPLE_RATE
        segments += [_shift(s, len(segments) + i, offset, limit) for i, s in enumerate(part.segments)]
        prompt = part.text[-PROMPT_CHARS:] or prompt
    return Transcript(language=language or "en", duration=samples.size / SAMPLE_RATE, segments=tuple(segments))
