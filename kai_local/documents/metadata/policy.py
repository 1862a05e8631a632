"""Which tags exiftool reports are identifying, and how they are named in `X-Stripped-Fields`.

An allowlist, not a denylist: a tag is harmless only if it describes the file's structure
(dimensions, encoding, colour layout, page count). Anything else, including tags we have never
seen, counts as identifying, so an unknown kind of metadata makes a strip fail (400) instead of
slipping through.
"""

from __future__ import annotations

import re

from kai_local.documents.metadata.exiftool import Tag

_ANY = frozenset({"*"})

# Tags that describe how the pixels are stored; for TIFF these live in IFD0 (and IFD1.. for
# further pages) next to identifying ones (Make, Model, Artist, DocumentName, Software ...).
_TIFF_STRUCTURE = frozenset(
    {
        "SubfileType",
        "OldSubfileType",
        "ImageWidth",
        "ImageHeight",
        "BitsPerSample",
        "Compression",
        "PhotometricInterpretation",
        "Thresholding",
        "CellWidth",
        "CellLength",
        "FillOrder",
        "StripOffsets",
        "Orientation",
        "SamplesPerPixel",
        "RowsPerStrip",
        "StripByteCounts",
        "MinSampleValue",
        "MaxSampleValue",
        "XResolution",
        "YResolution",
        "PlanarConfiguration",
        "GrayResponseUnit",
        "GrayResponseCurve",
        "T4Options",
        "T6Options",
        "ResolutionUnit",
        "TransferFunction",
        "Predictor",
        "WhitePoint",
        "PrimaryChromaticities",
        "ColorMap",
        "HalftoneHints",
        "TileWidth",
        "TileLength",
        "TileOffsets",
        "TileByteCounts",
        "InkSet",
        "NumberofInks",
        "DotRange",
        "ExtraSamples",
        "SampleFormat",
        "SMinSampleValue",
        "SMaxSampleValue",
        "TransferRange",
        "JPEGTables",
        "JPEGProc",
        "YCbCrCoefficients",
        "YCbCrSubSampling",
        "YCbCrPositioning",
        "ReferenceBlackWhite",
        "ExifVersion",
        "ComponentsConfiguration",
        "FlashpixVersion",
        "ColorSpace",
        "ExifImageWidth",
        "ExifImageHeight",
        "InteropIndex",
        "InteropVersion",
        "PageNumber",
    }
)

# Allowed tags per exiftool group (family 1, else family 0).
STRUCTURAL: dict[str, frozenset[str]] = {
    "ExifTool": _ANY,  # exiftool's own version, warnings
    "System": _ANY,  # our temporary file on disk, not the upload
    "File": frozenset(
        {
            "FileType",
            "FileTypeExtension",
            "MIMEType",
            "ImageWidth",
            "ImageHeight",
            "EncodingProcess",
            "BitsPerSample",
            "ColorComponents",
            "YCbCrSubSampling",
            "ExifByteOrder",
            "BMPVersion",
            "Planes",
            "BitDepth",
            "Compression",
            "ImageLength",
            "PixelsPerMeterX",
            "PixelsPerMeterY",
            "NumColors",
            "NumImportantColors",
            "RedMask",
            "GreenMask",
            "BlueMask",
            "AlphaMask",
            "ColorSpace",
            "RedEndpoint",
            "GreenEndpoint",
            "BlueEndpoint",
            "GammaRed",
            "GammaGreen",
            "GammaBlue",
            "RenderingIntent",
        }
    ),
    "Composite": frozenset({"ImageSize", "Megapixels"}),
    "JFIF": frozenset({"JFIFVersion", "ResolutionUnit", "XResolution", "YResolution"}),
    "Adobe": _ANY,  # APP14 colour transform: needed to decode CMYK/YCCK JPEGs correctly
    "PNG": frozenset(
        {
            "ImageWidth",
            "ImageHeight",
            "BitDepth",
            "ColorType",
            "Compression",
            "Filter",
            "Interlace",
            "BackgroundColor",
            "Gamma",
            "SRGBRendering",
            "WhitePointX",
            "WhitePointY",
            "RedX",
            "RedY",
            "GreenX",
            "GreenY",
            "BlueX",
            "BlueY",
            "Palette",
            "Transparency",
            "SignificantBits",
            "AnimationFrames",
            "AnimationPlays",
        }
    ),
    "PNG-pHYs": _ANY,
    "RIFF": frozenset(
        {
            "VP8Version",
            "ImageWidth",
            "ImageHeight",
            "HorizontalScale",
            "VerticalScale",
            "WebP_Flags",
            "AlphaPreprocessing",
            "AlphaFiltering",
            "AlphaCompression",
            "BackgroundColor",
            "AnimationLoopCount",
        }
    ),
    "ExifIFD": frozenset(
        {
            "ExifVersion",
            "ComponentsConfiguration",
            "FlashpixVersion",
            "ColorSpace",
            "ExifImageWidth",
            "ExifImageHeight",
        }
    ),
    "InteropIFD": frozenset({"InteropIndex", "InteropVersion"}),
    "GIF": frozenset(
        {
            "GIFVersion",
            "ImageWidth",
            "ImageHeight",
            "HasColorMap",
            "ColorResolutionDepth",
            "BitsPerPixel",
            "BackgroundColor",
            "AnimationIterations",
            "TransparentColor",
            "FrameCount",
            "Duration",
        }
    ),
    "PDF": frozenset(
        {
            "PDFVersion",
            "Linearized",
            "PageCount",
            "Encryption",
            "UserAccess",
            "Tagged",
            "Language",
            "PageMode",
            "PageLayout",
            "HasXFA",  # whether a form carries XFA ("No" for every AcroForm): structure, not metadata
        }
    ),
    "ZIP": frozenset(
        {
            "ZipRequiredVersion",
            "ZipBitFlag",
            "ZipCompression",
            "ZipCRC",
            "ZipCompressedSize",
            "ZipUncompressedSize",
            "ZipFileName",
        }
    ),
    "FlashPix": frozenset({"CodePage"}),
}

_IFD = re.compile(r"^(IFD\d+|SubIFD\d*)$")
# ZIP entry times after our rewrite (the earliest a ZIP can say); any other is a real date.
NEUTRAL_ZIP_DATE = "1980:01:01 00:00:00"


def is_identifying(tag: Tag) -> bool:
    if _IFD.match(tag.family1):
        return tag.name not in _TIFF_STRUCTURE
    if tag.family1 == "ZIP" and tag.name == "ZipModifyDate":
        return str(tag.value) != NEUTRAL_ZIP_DATE
    allowed = STRUCTURAL.get(tag.family1, STRUCTURAL.get(tag.family0))
    if allowed is None:
        return True
    return allowed is not _ANY and tag.name not in allowed


def identifying(tags: list[Tag]) -> list[Tag]:
    return [t for t in tags if is_identifying(t)]


def label(tag: Tag) -> str:
    """The metadata group a tag belongs to, as `X-Stripped-Fields` names it."""
    if tag.family1 == "GPS":
        return "GPS"
    if "Thumbnail" in tag.name or "Preview" in tag.name:
        return "Thumbnail"
    if tag.family1 == "ZIP":
        return "ZIP-Timestamps"
    if tag.name == "Comment" and tag.family0 in ("File", "GIF"):
        return "Comment"
    if tag.name == "CurrentIPTCDigest":
        return "IPTC"
    return {
        "EXIF": "EXIF",
        "MakerNotes": "MakerNotes",
        "XMP": "XMP",
        "IPTC": "IPTC",
        "ICC_Profile": "ICC",
        "Photoshop": "Photoshop",
        "PNG": "PNG-Text",
        "PDF": "PDF-Info",
        "XML": "docProps",
        "FlashPix": "OLE-Properties",
        "MPF": "Thumbnail",
        "PrintIM": "EXIF",
    }.get(tag.family0, tag.family0)


# Groups that are metadata as a whole, even when every tag left in them is harmless (an EXIF
# block holding only resolution tags is still an EXIF block that was removed).
METADATA_FAMILIES = frozenset(
    {"EXIF", "MakerNotes", "XMP", "IPTC", "ICC_Profile", "Photoshop", "MPF", "PrintIM", "XML", "FlashPix"}
)


def labels(tags: list[Tag]) -> set[str]:
    """The groups of the metadata in `tags` (Composite tags are computed from the others)."""
    return {
        label(t) for t in tags if t.family0 != "Composite" and (is_identifying(t) or t.family0 in METADATA_FAMILIES)
    }


def removed_labels(before: list[Tag], after: list[Tag]) -> set[str]:
    """Groups of the metadata tags present before and gone after."""
    kept = {(t.family0, t.family1, t.name) for t in after}
    return labels([t for t in before if (t.family0, t.family1, t.name) not in kept])


def describe(tags: list[Tag], limit: int = 6) -> str:
    """A short list of leftover tags for an error message (names only, never values)."""
    names = list(dict.fromkeys(t.key for t in tags))
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
