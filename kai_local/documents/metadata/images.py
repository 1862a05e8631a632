"""JPEG, PNG, TIFF, WebP through exiftool; BMP through Pillow.

exiftool rewrites only the metadata segments/chunks/IFD entries and copies the image data, so
pixels stay bit-identical. `-all=` removes EXIF (with GPS, maker notes, thumbnails), IPTC, XMP,
ICC profiles, Photoshop blocks, JPEG comments, PNG text/time chunks and trailers. TIFF keeps its
IFD0 (it *is* the image), so the identifying IFD tags it carries (Make, Model, Artist,
DocumentName, Software, DateTime, ...) are deleted one by one.

Orientation: kept. Deleting it would show portrait photos on their side, and baking the
rotation into the pixels means re-encoding (a lossy JPEG round trip, new pixels); the tag says
nothing about who took the photo. It is re-written as the only EXIF entry (exiftool adds the
mandatory resolution tags next to it).
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kai_local.documents import filetypes
from kai_local.documents.metadata.exiftool import ExifTool, Tag
from kai_local.documents.metadata.policy import describe, identifying, is_identifying, removed_labels
from kai_local.documents.metadata.result import Cleaned, StripFailed

EXIFTOOL_TYPES = {
    filetypes.JPEG: "jpg",
    filetypes.PNG: "png",
    filetypes.TIFF: "tif",
    filetypes.WEBP: "webp",
    filetypes.GIF: "gif",  # only inside office documents; not accepted on its own (see service)
}
_TAG_NAME = re.compile(r"[A-Za-z0-9_]+")  # what may go into an exiftool option as a tag name
# Largest BMP we decode to compare pixels (an RLE bitmap can expand far beyond its size).
MAX_BMP_PIXELS = 64_000_000


def strip_args(kind: str, before: list[Tag]) -> list[str]:
    """The exiftool write options for one image, given what it carries."""
    args = ["-m", "-q", "-q", "-all="]
    if kind == filetypes.TIFF:
        # IFD0 survives -all= in a TIFF: delete its identifying entries by name.
        args += [
            f"-{t.family1}:{t.name}="
            for t in before
            if t.family0 == "EXIF"
            and t.family1.startswith("IFD")
            and is_identifying(t)
            and _TAG_NAME.fullmatch(t.family1 + t.name)
        ]
    else:
        orientation = next((t.value for t in before if t.family1 == "IFD0" and t.name == "Orientation"), None)
        if isinstance(orientation, int) and 2 <= orientation <= 8:
            args.append(f"-IFD0:Orientation#={orientation}")
    return list(dict.fromkeys(args))


def clean_images(exiftool: ExifTool, items: list[tuple[bytes, str]], workdir: Path) -> list[Cleaned]:
    """Clean several images (data, kind) with a few exiftool round trips; verify each result."""
    workdir = Path(tempfile.mkdtemp(dir=workdir))  # callers may clean several batches
    outdir = workdir / "out"
    sources, targets = [], []
    for index, (data, kind) in enumerate(items):
        source = workdir / f"{index}.{EXIFTOOL_TYPES[kind]}"
        source.write_bytes(data)
        sources.append(source)
        targets.append(outdir / source.name)
    before = exiftool.read(sources)
    for source, target, (_, kind) in zip(sources, targets, items):
        tags = before.get(source)
        if tags is None or any(t.family1 == "ExifTool" and t.name == "Error" for t in tags):
            raise StripFailed("it is not a readable image")
        # -o DIR/%f.%e, not a file name: given "x.webp" exiftool 12.57 tries to create a new
        # RIFF file and fails ("Can't write RIFF files").
        _, stderr = exiftool.execute([*strip_args(kind, tags), "-o", f"{outdir}/%f.%e", str(source)])
        if not target.exists():
            reason = stderr.strip().splitlines()[0] if stderr.strip() else "no output"
            raise StripFailed(f"exiftool could not rewrite it ({_without_paths(reason)})")
    after = exiftool.read(targets)
    results = []
    for source, target, (_, kind) in zip(sources, targets, items):
        left = identifying(after.get(target, []))
        if target not in after or left:
            raise StripFailed(f"metadata remained after cleaning ({describe(left)})")
        data = target.read_bytes()
        if filetypes.detect(data) != kind:
            raise StripFailed("the cleaned image is not the same format")
        results.append(Cleaned(data, "exiftool", tuple(removed_labels(before[source], after[target]))))
    return results


def clean_bmp(data: bytes) -> Cleaned:
    """A BMP header holds no author or date, but a V5 header can embed an ICC profile and a
    file can carry bytes after the pixels: write a plain BMP of the same pixels, compare."""
    try:
        with Image.open(io.BytesIO(data), formats=["BMP", "DIB"]) as image:
            if image.width * image.height > MAX_BMP_PIXELS:
                raise StripFailed("the bitmap is too large to verify")
            image.load()
            removed = {"ICC"} if image.info.get("icc_profile") else set()
            out = io.BytesIO()
            image.save(out, format="BMP")
            original = (image.mode, image.size, _pixels(image))
        declared = int.from_bytes(data[2:6], "little")
        if len(data) > declared >= 26:
            removed.add("Trailing-Data")
        with Image.open(io.BytesIO(out.getvalue()), formats=["BMP"]) as check:
            check.load()
            if (check.mode, check.size, _pixels(check)) != original:
                raise StripFailed("rewriting the bitmap would change its pixels")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise StripFailed(f"it is not a readable bitmap ({exc.__class__.__name__})") from None
    return Cleaned(out.getvalue(), "pillow", tuple(sorted(removed)))


def _pixels(image: Image.Image) -> bytes:
    """The colours of every pixel (a palette image may be written with a reordered palette)."""
    return image.convert("RGBA").tobytes() if image.mode in ("P", "PA") else image.tobytes()


def _without_paths(message: str) -> str:
    """exiftool messages end in ' - /tmp/.../in0.jpg': keep the reason, drop our temp path."""
    return message.split(" - ")[0].strip()[:200]
