"""Files full of planted metadata, written by well-kept libraries (Pillow, reportlab, pikepdf,
python-docx, openpyxl, python-pptx) and exiftool itself, for the strip-metadata tests and
benchmark. Every planted value contains one of SECRETS, so a test can look for them anywhere
in a cleaned file.

XLS: no maintained library writes BIFF8 (xlwt was last released in 2017, LibreOffice is not
installed), so `rich_xls` assembles a minimal workbook (BOF/WRITEACCESS/BOUNDSHEET/cells/EOF)
in an OLE compound file with the two property-set streams; xlrd, olefile and exiftool read it.
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
import struct
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from kai_local.documents import filetypes as ft

SECRETS = (
    "Jane Doe",
    "JDoe",
    "Example Ltd",
    "SecretCam",
    "SN-4711-0815",
    "Wien Favoriten",
    "jane.doe@example.org",
    "Geheimprojekt",
)
TEXT = "Befund für Patientin Maria Müller: alles in Ordnung."

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/"><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li>'
    b"</rdf:Seq></dc:creator><xmp:CreatorTool>SecretCam Studio</xmp:CreatorTool>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def exiftool(*args: str | Path) -> None:
    subprocess.run(
        ["exiftool", "-q", "-q", "-m", "-overwrite_original", *map(str, args)],
        check=True,
        capture_output=True,
        timeout=60,
    )


def picture(width: int = 320, height: int = 240, mode: str = "RGB") -> Image.Image:
    image = Image.linear_gradient("L").resize((width, height))
    if mode == "L":
        return image
    return Image.merge(
        "RGB", (image, image.rotate(90).resize((width, height)), Image.new("L", (width, height), 90))
    ).convert(mode)


def _exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "SecretCam X100"  # Model
    exif[0x0131] = "SecretCam Firmware 1.0"  # Software
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x8298] = "(c) Jane Doe"  # Copyright
    exif[0x0132] = "2024:05:06 07:08:09"  # DateTime
    exif[0x0112] = orientation
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2024:05:06 07:08:09"  # DateTimeOriginal
    exif_ifd[0xA431] = "SN-4711-0815"  # BodySerialNumber
    exif_ifd[0xA430] = "Jane Doe"  # CameraOwnerName
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 10.0, 30.5)
    gps[3], gps[4] = "E", (16.0, 22.0, 5.25)
    return exif


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _add_iptc_and_thumbnail(path: Path) -> None:
    thumb = path.with_suffix(".thumb.jpg")
    picture(64, 48).save(thumb, "JPEG")
    exiftool(
        "-IPTC:By-line=Jane Doe",
        "-IPTC:City=Wien Favoriten",
        "-IPTC:Keywords=Geheimprojekt",
        "-XMP-dc:Rights=Jane Doe",
        f"-ThumbnailImage<={thumb}",
        path,
    )
    thumb.unlink()


@functools.cache
def _rich_jpeg() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rich.jpg"
        picture().save(
            path, "JPEG", quality=90, exif=_exif(), icc_profile=_icc(), xmp=XMP, comment=b"Geheimprojekt by Jane Doe"
        )
        _add_iptc_and_thumbnail(path)
        return path.read_bytes()


def rich_jpeg(tmp: Path | None = None) -> bytes:
    """EXIF (camera, owner, serial number, dates, GPS, orientation 6), a thumbnail, IPTC, XMP,
    an ICC profile and a JPEG comment."""
    return _rich_jpeg()


def rich_png(tmp: Path) -> bytes:
    info = PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_text("Comment", "Geheimprojekt")
    info.add_itxt("Description", "Wien Favoriten", zip=True)
    info.add_text("Software", "SecretCam Studio")
    path = tmp / "rich.png"
    picture(mode="RGBA").save(path, "PNG", pnginfo=info, exif=_exif(), icc_profile=_icc())
    exiftool("-XMP-dc:Creator=Jane Doe", "-PNG:CreationTime=2024:05:06 07:08:09", path)
    return path.read_bytes()


def rich_tiff(tmp: Path) -> bytes:
    path = tmp / "rich.tif"
    tags = {
        270: "Geheimprojekt",
        271: "SecretCam",
        272: "SecretCam X100",
        305: "SecretCam Studio",
        306: "2024:05:06 07:08:09",
        315: "Jane Doe",
        316: "JDoe-Laptop",
        269: "Geheimprojekt.tif",
        33432: "(c) Jane Doe",
        274: 1,
    }
    picture().save(path, "TIFF", tiffinfo=tags, compression="tiff_lzw", icc_profile=_icc())
    exiftool(
        "-GPSLatitude=48.175",
        "-GPSLatitudeRef=N",
        "-GPSLongitude=16.368",
        "-GPSLongitudeRef=E",
        "-ExifIFD:SerialNumber=SN-4711-0815",
        "-IPTC:By-line=Jane Doe",
        "-XMP-dc:Creator=Jane Doe",
        path,
    )
    return path.read_bytes()


def rich_webp(tmp: Path) -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", quality=90, exif=_exif(), xmp=XMP, icc_profile=_icc())
    return out.getvalue()


def rich_bmp() -> bytes:
    out = io.BytesIO()
    picture(50, 30).save(out, "BMP")
    return out.getvalue() + b"Jane Doe was here"  # bytes after the pixel data


def rich_pdf(tmp: Path) -> bytes:
    """Info + XMP (document and page), an annotation with an author, a JPEG with EXIF/GPS,
    and an incremental update (exiftool appends one) that leaves the first revision inside."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setAuthor("Jane Doe")
    pdf.setTitle("Geheimprojekt")
    pdf.setSubject("Wien Favoriten")
    pdf.setCreator("SecretCam Studio")
    pdf.setKeywords("JDoe")
    for page in range(2):
        pdf.drawString(72, 720, TEXT)
        pdf.drawString(72, 700, f"Seite {page + 1}")
        pdf.showPage()
    pdf.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as doc:
        # The camera JPEG as is (reportlab would re-encode it): EXIF and GPS inside the PDF.
        image = pikepdf.Stream(
            doc,
            rich_jpeg(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=320,
            Height=240,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        name = doc.pages[0].add_resource(image, pikepdf.Name.XObject, prefix="Im")
        doc.pages[0].contents_add(doc.make_stream(f"q 160 0 0 120 72 400 cm {name} Do Q".encode()))
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = ["Jane Doe"]
            meta["xmp:CreatorTool"] = "SecretCam Studio"
        doc.pages[0].obj.Metadata = doc.make_stream(XMP)
        doc.pages[0].obj.PieceInfo = pikepdf.Dictionary(
            SecretCam=pikepdf.Dictionary(Private=pikepdf.String("Jane Doe"))
        )
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[100, 100, 120, 120],
            Contents=pikepdf.String("Bitte prüfen"),
            T=pikepdf.String("Jane Doe"),
            M=pikepdf.String("D:20240506070809"),
        )
        doc.pages[0].obj.Annots = doc.make_indirect(pikepdf.Array([doc.make_indirect(annotation)]))
        path = tmp / "rich.pdf"
        doc.save(path)
    exiftool("-PDF:Author=JDoe second revision", "-XMP-dc:Creator=JDoe", path)  # incremental
    return path.read_bytes()


# --- OOXML ------------------------------------------------------------------------------


def add_parts(
    data: bytes, parts: dict[str, bytes], rels: dict[str, list[tuple[str, str, str]]], overrides: dict[str, str]
) -> bytes:
    """Copy an OOXML zip adding parts, relationships (rels part -> (Id, Type, Target)) and
    content-type overrides (part name -> content type)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {name: source.read(name) for name in source.namelist()}
    files.update(parts)
    for rels_name, entries in rels.items():
        xml = files.get(
            rels_name,
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"></Relationships>',
        ).decode()
        extra = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in entries)
        files[rels_name] = xml.replace("</Relationships>", extra + "</Relationships>").encode()
    types = files["[Content_Types].xml"].decode()
    extra = "".join(f'<Override PartName="/{n}" ContentType="{c}"/>' for n, c in overrides.items())
    files["[Content_Types].xml"] = types.replace("</Types>", extra + "</Types>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>Example '
    b"Ltd</Company><Manager>Jane Doe</Manager><Application>SecretCam Office</Application>"
    b"</Properties>"
)
CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="'
    b'{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Project"><vt:lpwstr>'
    b"Geheimprojekt</vt:lpwstr></property></Properties>"
)


def _with_properties(data: bytes, tmp: Path) -> bytes:
    """Company/manager (app.xml), a custom property, a thumbnail with EXIF, an orphan part."""
    thumb = rich_jpeg(tmp)
    source = zipfile.ZipFile(io.BytesIO(data))
    has_app = "docProps/app.xml" in source.namelist()
    parts = {
        "docProps/app.xml": APP_XML,
        "docProps/custom.xml": CUSTOM_XML,
        "docProps/thumbnail.jpeg": thumb,
        "leftover/notes.txt": b"Jane Doe, Geheimprojekt",
    }
    rels = [
        ("rIdK2", f"{R}/custom-properties", "docProps/custom.xml"),
        ("rIdK3", f"{PKG}/metadata/thumbnail", "docProps/thumbnail.jpeg"),
    ]
    if not has_app:
        rels.append(("rIdK1", f"{R}/extended-properties", "docProps/app.xml"))
    overrides = {"docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml"}
    if not has_app:
        overrides["docProps/app.xml"] = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    if "docProps/thumbnail.jpeg" in source.namelist():
        rels = [r for r in rels if "thumbnail" not in r[1]]
    else:
        overrides["docProps/thumbnail.jpeg"] = "image/jpeg"
    return add_parts(data, parts, {"_rels/.rels": rels}, overrides)


def rich_docx(tmp: Path) -> bytes:
    import docx

    document = docx.Document()
    for field in ("author", "last_modified_by"):
        setattr(document.core_properties, field, "Jane Doe")
    document.core_properties.title = "Geheimprojekt"
    document.core_properties.comments = "Wien Favoriten"
    paragraph = document.add_paragraph(TEXT)
    document.add_comment(paragraph.runs, text="Bitte prüfen", author="Jane Doe", initials="JDoe")
    jpeg = tmp / "inline.jpg"
    jpeg.write_bytes(rich_jpeg(tmp))
    document.add_picture(str(jpeg))
    out = io.BytesIO()
    document.save(out)
    data = _with_properties(out.getvalue(), tmp)
    # Word's own traces: rsids, a document id, the people part, a tracked change by the author.
    source = zipfile.ZipFile(io.BytesIO(data))
    settings = source.read("word/settings.xml").decode()
    settings = settings.replace(
        "</w:settings>", '<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/></w:rsids></w:settings>'
    )
    body = (
        source.read("word/document.xml")
        .decode()
        .replace("<w:p>", '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">', 1)
    )
    body = body.replace(
        "</w:body>",
        '<w:p><w:ins w:id="901" w:author="Jane Doe" w:date="2024-05-'
        '06T07:08:09Z"><w:r><w:t>Nachtrag</w:t></w:r></w:ins></w:p></w:body>',
    )
    people = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people xmlns:w15="http://'
        'schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="Jane Doe">'
        '<w15:presenceInfo w15:providerId="AD" w15:userId="jane.doe@example.org"/>'
        "</w15:person></w15:people>"
    )
    # Embedded documents (as a chart's workbook or an OLE object would be): cleaned too.
    return add_parts(
        data,
        {
            "word/settings.xml": settings.encode(),
            "word/document.xml": body.encode(),
            "word/people.xml": people.encode(),
            "word/embeddings/Tabelle.xlsx": rich_xlsx(tmp),
            "word/embeddings/oleObject1.bin": rich_xls(),
        },
        {
            "word/_rels/document.xml.rels": [
                ("rIdP1", "http://schemas.microsoft.com/office/2011/relationships/people", "people.xml"),
                ("rIdE1", f"{R}/package", "embeddings/Tabelle.xlsx"),
                ("rIdE2", f"{R}/oleObject", "embeddings/oleObject1.bin"),
            ]
        },
        {
            "word/people.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
            "word/embeddings/Tabelle.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "word/embeddings/oleObject1.bin": "application/vnd.openxmlformats-officedocument.oleObject",
        },
    )


def rich_xlsx(tmp: Path) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment

    workbook = openpyxl.Workbook()
    workbook.properties.creator = "Jane Doe"
    workbook.properties.lastModifiedBy = "Jane Doe"
    workbook.properties.title = "Geheimprojekt"
    sheet = workbook.active
    sheet["A1"] = TEXT
    sheet["B2"] = 42
    sheet["A1"].comment = Comment("Bitte prüfen", "Jane Doe")
    out = io.BytesIO()
    workbook.save(out)
    # What Excel adds: the folder it was saved in, a revision id, the people of threaded comments.
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    book = (
        source.read("xl/workbook.xml")
        .decode()
        .replace(
            "<workbookPr/>",
            (
                '<workbookPr/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-'
                'compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas'
                '.microsoft.com/office/spreadsheetml/2010/11/ac" url="C:\\Users\\JDoe\\Geheimprojekt\\"/>'
                '</mc:Choice></mc:AlternateContent><xr:revisionPtr xmlns:xr="http://schemas.microsoft.com/'
                'office/spreadsheetml/2014/revision" revIDLastSave="3" documentId="13_ncr:1_{JDoe-0815}"/>'
            ),
        )
    )
    persons = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><personList xmlns="http://'
        'schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person '
        'displayName="Jane Doe" id="{11111111-2222-3333-4444-555555555555}" '
        'userId="jane.doe@example.org" providerId="AD"/></personList>'
    )
    data = add_parts(
        out.getvalue(),
        {"xl/workbook.xml": book.encode(), "xl/persons/person.xml": persons.encode()},
        {
            "xl/_rels/workbook.xml.rels": [
                ("rIdX9", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")
            ]
        },
        {"xl/persons/person.xml": "application/vnd.ms-excel.person+xml"},
    )
    return _with_properties(data, tmp)


def rich_pptx(tmp: Path) -> bytes:
    import pptx

    presentation = pptx.Presentation()
    presentation.core_properties.author = "Jane Doe"
    presentation.core_properties.last_modified_by = "Jane Doe"
    presentation.core_properties.title = "Geheimprojekt"
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = TEXT
    jpeg = tmp / "slide.jpg"
    jpeg.write_bytes(rich_jpeg(tmp))
    slide.shapes.add_picture(str(jpeg), 0, 0)
    out = io.BytesIO()
    presentation.save(out)
    authors = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:cmAuthorLst xmlns:p="http://'
        'schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor id="0" name="Jane Doe" '
        'initials="JDoe" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
    )
    modern = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p188:authorLst xmlns:p188='
        '"http://schemas.microsoft.com/office/powerpoint/2018/8/main"><p188:author id="{1}" '
        'name="Jane Doe" initials="JDoe" userId="jane.doe@example.org" providerId="AD"/>'
        "</p188:authorLst>"
    )
    data = add_parts(
        out.getvalue(),
        {"ppt/commentAuthors.xml": authors.encode(), "ppt/authors.xml": modern.encode()},
        {
            "ppt/_rels/presentation.xml.rels": [
                ("rIdC1", f"{R}/commentAuthors", "commentAuthors.xml"),
                ("rIdC2", "http://schemas.microsoft.com/office/2018/10/relationships/authors", "authors.xml"),
            ]
        },
        {
            "ppt/commentAuthors.xml": "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml",
            "ppt/authors.xml": "application/vnd.ms-powerpoint.authors+xml",
        },
    )
    return _with_properties(data, tmp)


# --- XLS (BIFF8 in an OLE compound file) ---------------------------------------------------


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _biff8_workbook(user: str) -> bytes:
    name = user.encode("latin-1")
    write_access = struct.pack("<HB", len(name), 0) + name
    write_access += b" " * (112 - len(write_access))
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    head = bof_globals + _record(0x005C, write_access) + _record(0x0042, struct.pack("<H", 1200))
    sheet_name = b"Befund"
    eof = _record(0x000A, b"")
    offset = len(head) + len(_record(0x0085, bytes(8) + sheet_name)) + len(eof)  # sheet's BOF
    globals_ = head + _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(sheet_name), 0) + sheet_name)
    globals_ += eof
    text = TEXT.encode("utf-16-le")
    sheet = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    sheet += _record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 2, 0))
    sheet += _record(0x0204, struct.pack("<HHHHB", 0, 0, 0, len(TEXT), 1) + text)  # LABEL
    sheet += _record(0x0203, struct.pack("<HHHd", 1, 1, 0, 42.0))  # NUMBER
    sheet += _record(0x000A, b"")
    return globals_ + sheet


def _property_set(fmtid: str, properties: list[tuple[int, str]]) -> bytes:
    """MS-OLEPS with code page 1252 and VT_LPSTR values."""
    values = [(1, struct.pack("<Ih2x", 2, 1252))]
    for pid, text in properties:
        raw = text.encode("cp1252") + b"\0"
        raw += b"\0" * (-len(raw) % 4)
        values.append((pid, struct.pack("<II", 30, len(text) + 1) + raw))
    offsets, body, position = [], b"", 8 + 8 * len(values)
    for pid, value in values:
        offsets.append(struct.pack("<II", pid, position))
        body += value
        position += len(value)
    section = struct.pack("<II", position, len(values)) + b"".join(offsets) + body
    header = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\0" * 16, 1)
    return header + uuid.UUID(fmtid).bytes_le + struct.pack("<I", 48) + section


def _ole(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file; every stream padded to 4096 bytes so no mini stream is needed."""
    sector, end, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    data, fat, starts = b"", [], {}
    for name in names:
        body = streams[name] + b"\0" * (max(4096, len(streams[name])) - len(streams[name]))
        body += b"\0" * (-len(body) % sector)
        count = len(body) // sector
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
        data += body
        streams[name] = streams[name] + b"\0" * (max(4096, len(streams[name])) - len(streams[name]))
    directory_start = len(fat)
    directory_sectors = math.ceil((len(names) + 1) / 4)
    fat += [directory_start + i + 1 for i in range(directory_sectors - 1)] + [end]
    fat_start = len(fat)
    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * 128:
        fat_sectors += 1
    fat += [fat_mark] * fat_sectors
    fat += [free] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1, free, end, 0)]
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else free
        entries.append(entry(name, 2, free, right, starts[name], len(streams[name])))
    directory = b"".join(entries).ljust(directory_sectors * sector, b"\0")
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_start + i for i in range(fat_sectors)] + [free] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, directory_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *difat)
    )
    return header + data + directory + fat_bytes


def rich_xls() -> bytes:
    summary = _property_set(
        "F29F85E0-4FF9-1068-AB91-08002B27B3D9",
        [(2, "Geheimprojekt"), (4, "Jane Doe"), (8, "JDoe"), (18, "SecretCam Office")],
    )
    document_summary = _property_set("D5CDD502-2E9C-101B-9397-08002B2CF9AE", [(14, "Jane Doe"), (15, "Example Ltd")])
    return _ole(
        {
            "Workbook": _biff8_workbook("Jane Doe"),
            "\x05SummaryInformation": summary,
            "\x05DocumentSummaryInformation": document_summary,
        }
    )


# --- checks shared by the tests and the benchmark ------------------------------------------

# Independent of the service's allowlist: tag names that identify a person, device, place,
# time or tool, and groups that are metadata through and through.
IDENTIFYING_NAME = re.compile(
    r"Author|Creator|Artist|Copyright|^Make$|^Model$|Serial|GPS|Date|Comment|Software|Producer|"
    r"Company|Manager|LastModifiedBy|Title|Subject|Keywords|Description|By-line|City|Thumbnail|"
    r"Owner|DocumentID|InstanceID|HostComputer|DocumentName|Application|Rights|Project|"
    r"Classification|Template|TotalEditTime|RevisionNumber|Lens|Firmware"
)
IDENTIFYING_GROUPS = ("XMP", "IPTC", "ICC", "MakerNotes", "GPS", "Olympus", "Photoshop", "XML", "PrintIM", "FlashPix")
IGNORED_GROUPS = ("System", "ExifTool")


def exiftool_json(data: bytes, suffix: str, tmp: Path) -> dict[str, Any]:
    path = tmp / f"check{suffix}"
    path.write_bytes(data)
    out = subprocess.run(["exiftool", "-a", "-G1", "-j", "-n", str(path)], capture_output=True, timeout=60, check=False)
    return json.loads(out.stdout)[0]


def identifying_tags(tags: dict[str, Any]) -> list[str]:
    found = []
    for key, value in tags.items():
        group, _, name = key.rpartition(":")
        if not group or group in IGNORED_GROUPS:
            continue
        if group == "ZIP":
            if name == "ZipModifyDate" and value != "1980:01:01 00:00:00":
                found.append(key)
            continue
        if group == "FlashPix" and name == "CodePage":
            continue
        if group.startswith(IDENTIFYING_GROUPS) or IDENTIFYING_NAME.search(name):
            found.append(key)
    return found


def decompressed(data: bytes) -> bytes:
    """Everything a reader could get at: ZIP members, PDF objects and decoded streams."""
    kind = ft.detect(data)
    if kind in (ft.DOCX, ft.XLSX, ft.PPTX):  # members, and members of embedded packages
        archive = zipfile.ZipFile(io.BytesIO(data))
        return data + b"".join(decompressed(archive.read(n)) for n in archive.namelist())
    if kind == ft.PDF:
        chunks = [data]
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        chunks.append(bytes(obj.read_bytes()))
                    except pikepdf.PdfError:
                        chunks.append(bytes(obj.read_raw_bytes()))
                chunks.append(repr(obj).encode("utf-8", "replace"))
        return b"".join(chunks)
    return data


def planted(data: bytes) -> list[str]:
    content = decompressed(data)
    return [s for s in SECRETS if s.encode() in content or s.encode("utf-16-le") in content]
