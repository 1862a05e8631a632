"""A budget of decoded bytes per PDF: a stream of a few hundred bytes can inflate to gigabytes
(nested `[/FlateDecode /FlateDecode]` layers), and pdfminer then spends minutes on the result.

    budget = InflateBudget(MAX_INFLATED_BYTES, param="files")
    budget.check(raw, ["FlateDecode", "FlateDecode"])  # raises 413 before anything big exists
    budget.charge(len(decoded))                          # what the parser really decoded

`check` decodes the expanding layers (Flate, LZW) itself, in chunks, and stops as soon as the
output passes what is left of the budget; the other filters expand little (ASCII85 at most 4x,
RunLength 64x) or are image codecs no text path decodes, so the measure stops at the first of
them and `charge` counts the real size afterwards.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from io import BytesIO

from pdfminer.lzw import LZWDecoder

from kai_local.errors import PayloadTooLarge

# Decoded bytes per document. pdfminer reads content at 0.02-0.3 MB/s (glyphs vs. bare path
# operators), so 32 MiB is about the most the default 120 s parse budget could read anyway; it
# leaves room for fonts embedded whole (a CJK font is 10-20 MB), which decode fast.
MAX_INFLATED_BYTES = 32 * 2**20
CHUNK = 1 << 20
FLATE = frozenset({"FlateDecode", "Fl"})
LZW = frozenset({"LZWDecode", "LZW"})


class InflateBudget:
    def __init__(self, limit: int = MAX_INFLATED_BYTES, *, param: str = "files") -> None:
        self.limit = limit
        self.param = param
        self.used = 0

    @property
    def left(self) -> int:
        return self.limit - self.used

    def charge(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise self.exceeded()

    def check(self, data: bytes, filters: Iterable[str]) -> int:
        """The size of `data` after its leading Flate/LZW layers; raises 413 as soon as that
        passes what is left of the budget. Only inner layers are kept (the next one reads
        them); the outermost is only counted. Nothing is charged: the caller charges what it
        really decodes."""
        layers = []
        for name in filters:
            name = name.lstrip("/")
            if name in FLATE:
                layers.append(_inflate)
            elif name in LZW:
                layers.append(_unlzw)
            else:
                break
        size = len(data)
        for index, decode in enumerate(layers):
            keep = index < len(layers) - 1
            size = 0
            kept: list[bytes] = []
            for chunk in decode(data):
                size += len(chunk)
                if size > self.left:
                    raise self.exceeded()
                if keep:
                    kept.append(chunk)
            if keep:
                data = b"".join(kept)
        return size

    def exceeded(self) -> PayloadTooLarge:
        # The code zip bombs in OOXML get: a client handles every decompression bomb alike.
        return PayloadTooLarge(
            f"The compressed data inside the PDF unpacks to more than the {self.limit:,} bytes "
            "this server reads per document",
            code="archive_too_large",
            param=self.param,
        )


def _inflate(data: bytes) -> Iterator[bytes]:
    """zlib output in chunks of at most CHUNK bytes, so a bomb never exists in memory. A damaged
    stream yields what came before the damage (pdfminer and qpdf keep that much too)."""
    inflater = zlib.decompressobj()
    pending = data
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, CHUNK)
            if not chunk:
                return
            yield chunk
            pending = inflater.unconsumed_tail
    except zlib.error:
        return


def _unlzw(data: bytes) -> Iterator[bytes]:
    return LZWDecoder(BytesIO(data)).run()  # pdfminer's decoder, one code's output at a time
