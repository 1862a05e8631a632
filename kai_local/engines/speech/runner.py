"""Runs one transcription: the upload is decoded in an isolated worker process, then recognised.

Decoding (probing the container, demuxing, resampling) parses an untrusted file, so it runs in
the parse pool's worker processes (kai_local.runtime.isolation: memory- and CPU-capped, killed
at `media_decode_timeout_s`); only the decoded samples come back. Recognition then runs as one
job of the thread pool (a job past its queue gets 503 `server_busy`), inside a GPU slot for a
GPU model. A transcriber on another server (openai-upstream) gets the upload itself instead.
"""

from __future__ import annotations

from kai_local.documents import jobs
from kai_local.engines.speech.base import Transcriber, Transcript, TranscriptionOptions, UploadTranscriber
from kai_local.engines.speech.windows import transcribe_in_windows
from kai_local.runtime.gpu import GpuSemaphore
from kai_local.runtime.isolation import IsolatedPool
from kai_local.runtime.workpool import CpuPool


async def run_transcription(
    transcriber: Transcriber,
    media: bytes,
    options: TranscriptionOptions,
    *,
    pool: CpuPool,
    decoder: IsolatedPool,
    gpu: GpuSemaphore,
    max_audio_seconds: float,
    decode_timeout_s: float,
    owner: str = "",
    filename: str = "",
    request_id: str = "",
) -> Transcript:
    if isinstance(transcriber, UploadTranscriber):  # elsewhere: the upload goes there as it came
        return await transcriber.transcribe_upload(media, filename, options, request_id)
    audio = await decoder.run(jobs.decode, media, max_audio_seconds, deadline_s=decode_timeout_s, owner=owner)
    if audio.samples.size == 0:  # a valid file with an empty audio track
        return Transcript(language=options.language or "en", duration=0.0, segments=())
    args = (transcriber.transcribe, audio.samples, options)
    device = transcriber.accelerator
    if device is None:
        return await pool.run(transcribe_in_windows, *args)
    async with gpu.slot(device):
        return await pool.run(transcribe_in_windows, *args)
