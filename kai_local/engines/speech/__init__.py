"""Speech to text: the Transcriber contract, faster-whisper behind it, audio decoding, output formats."""
