"""Runs one transcription off the event loop, bounded so many large uploads cannot pile up.

Decoding and recognition run as ONE job of the CPU pool: decoded samples (about 8x the size
of a compressed upload) exist only while a worker holds them, and a job past the pool's queue
gets 503 `server_busy`. A GPU model takes a GPU slot around that job. Decoding then happens
inside the slot; it is ~100x faster than real time, and a second slot per device
(KAI_GPU_SLOTS_PER_DEVICE=2) overlaps one upload's decoding with another's inference.
"""

from __future__ import annotations

from kai_local.engines.speech.base import Transcriber, Transcript, TranscriptionOptions
from kai_local.engines.speech.media import decode_media
from kai_local.engines.speech.windows import transcribe_in_windows
from kai_local.gateway.gpu import GpuSemaphore
from kai_local.gateway.workpool import CpuPool


def transcribe_media(
    transcriber: Transcriber, media: bytes, options: TranscriptionOptions, max_audio_seconds: float
) -> Transcript:
    """Blocking: decode `media` (any accepted container) and transcribe its first audio track."""
    audio = decode_media(media, max_audio_seconds)
    if audio.samples.size == 0:  # a valid file with an empty audio track
        return Transcript(language=options.language or "en", duration=0.0, segments=())
    return transcribe_in_windows(transcriber.transcribe, audio.samples, options)


async def run_transcription(
    transcriber: Transcriber,
    media: bytes,
    options: TranscriptionOptions,
    *,
    pool: CpuPool,
    gpu: GpuSemaphore,
    max_audio_seconds: float,
) -> Transcript:
    args = (transcriber, media, options, max_audio_seconds)
    device = transcriber.accelerator
    if device is None:
        return await pool.run(transcribe_media, *args)
    async with gpu.slot(device):
        return await pool.run(transcribe_media, *args)
