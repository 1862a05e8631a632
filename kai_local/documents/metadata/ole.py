"""XLS (and OLE objects embedded in office files) through olefile, edited in place.

The OLE property sets (`\\x05SummaryInformation`: author, last author, title, dates, app;
`\\x05DocumentSummaryInformation`: company, manager, custom properties) are overwritten with a
valid empty property set of the same size (olefile can only rewrite a stream at its size). In
a workbook the WRITEACCESS and FILESHARING records name the user who last saved it: their
names become blanks of the same length. Storage timestamps are zeroed, and unallocated
sectors (which can still hold earlier versions of streams) are wiped.
"""

from __future__ import annotations

import io
import struct
import uuid

import olefile

from kai_local.documents.metadata.result import Cleaned, StripFailed

SUMMARY = "\x05SummaryInformation"
DOC_SUMMARY = "\x05DocumentSummaryInformation"
FMTIDS = {
    SUMMARY: uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9"),
    DOC_SUMMARY: uuid.UUID("D5CDD502-2E9C-101B-9397-08002B2CF9AE"),
}
LABELS = {SUMMARY: "SummaryInformation", DOC_SUMMARY: "DocumentSummaryInformation"}
WORKBOOK_STREAMS = ("Workbook", "Book")
WRITEACCESS, FILESHARING, FILEPASS, EOF = 0x005C, 0x005B, 0x002F, 0x000A
CODEPAGE_PID = 1
_DIR_ENTRY = 128
_TIMES = slice(100, 116)  # created and modified FILETIMEs in a directory entry


def clean_ole(data: bytes) -> Cleaned:
    buffer = io.BytesIO(bytearray(data))
    try:
        ole = olefile.OleFileIO(buffer, write_mode=True)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise StripFailed(f"it is not a readable OLE file ({exc.__class__.__name__})") from None
    removed: set[str] = set()
    try:
        for path in ole.listdir(streams=True, storages=False):
            name = path[-1]
            if name in FMTIDS:
                if _has_properties(ole, path):
                    removed.add(LABELS[name])
                size = ole.get_size(path)
                ole.write_stream(path, _empty_property_set(FMTIDS[name], size))
            elif name in WORKBOOK_STREAMS and len(path) == 1:
                stream = bytearray(ole.openstream(path).read())
                if _blank_user_names(stream):
                    removed.add("WriteAccess")
                    ole.write_stream(path, bytes(stream))
        if _zero_timestamps(ole, buffer):
            removed.add("OLE-Timestamps")
        _wipe_free_sectors(ole, buffer)
    except (OSError, ValueError, struct.error, IndexError, KeyError) as exc:
        raise StripFailed(f"the OLE file could not be rewritten ({exc.__class__.__name__})") from None
    finally:
        ole.close()
    cleaned = buffer.getvalue()
    left = leftovers(cleaned)
    if left:
        raise StripFailed(f"metadata remained after cleaning ({', '.join(sorted(left))})")
    return Cleaned(cleaned, "olefile", tuple(sorted(removed)))


def leftovers(data: bytes) -> set[str]:
    """What a second pass would still find (property values, user names)."""
    left = set()
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for path in ole.listdir(streams=True, storages=False):
                if path[-1] in FMTIDS and _has_properties(ole, path):
                    left.add(LABELS[path[-1]])
                elif path[-1] in WORKBOOK_STREAMS and len(path) == 1:
                    if _blank_user_names(bytearray(ole.openstream(path).read())):
                        left.add("WriteAccess")
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise StripFailed(f"the cleaned file could not be read back ({exc.__class__.__name__})") from None
    return left


def _has_properties(ole: olefile.OleFileIO, path: list[str]) -> bool:
    try:
        properties = ole.getproperties(path, convert_time=False, no_conversion=None)
    except (OSError, ValueError, struct.error, IndexError, UnicodeDecodeError):
        return True  # unreadable: treat as present, it is overwritten anyway
    return any(pid != CODEPAGE_PID for pid in properties)


def _empty_property_set(fmtid: uuid.UUID, size: int) -> bytes:
    """MS-OLEPS: a property set stream with one section holding only the code page (1252)."""
    section = struct.pack("<IIII", 24, 1, CODEPAGE_PID, 16) + struct.pack("<IhH", 2, 1252, 0)
    header = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\0" * 16, 1)
    header += fmtid.bytes_le + struct.pack("<I", 48)
    content = header + section
    if size < len(content):
        raise StripFailed("a property set stream is too short to rewrite")
    return content + b"\0" * (size - len(content))


def _blank_user_names(stream: bytearray) -> bool:
    """Blank the user names in the workbook globals (before their EOF); True if any was set."""
    changed = False
    position = 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if record == FILEPASS:
            raise StripFailed("the workbook is password-protected")
        if record == WRITEACCESS:
            changed |= _blank_string(stream, body, body + length)
        elif record == FILESHARING and length > 4:
            changed |= _blank_string(stream, body + 4, body + length)
        elif record == EOF:
            break
        position = body + length
    return changed


def _blank_string(stream: bytearray, start: int, end: int) -> bool:
    """An XLUnicodeString (cch u16, flags u8, chars) at `start`: its characters become spaces."""
    if end - start < 3:
        return False
    count, flags = struct.unpack_from("<HB", stream, start)
    width = 2 if flags & 1 else 1
    first, last = start + 3, min(start + 3 + count * width, end)
    chars = bytes(stream[first:last])
    blank = (b" \0" if width == 2 else b" ") * ((last - first) // width)
    if chars == blank:
        return False
    stream[first : first + len(blank)] = blank
    return True


def _chain(ole: olefile.OleFileIO, start: int) -> list[int]:
    chain: list[int] = []
    sector = start
    while 0 <= sector < len(ole.fat) and sector not in (olefile.ENDOFCHAIN, olefile.FREESECT):
        if len(chain) > len(ole.fat):
            raise ValueError("FAT loop")
        chain.append(sector)
        sector = ole.fat[sector]
    return chain


def _zero_timestamps(ole: olefile.OleFileIO, buffer: io.BytesIO) -> bool:
    directory = _chain(ole, ole.first_dir_sector)
    per_sector = ole.sectorsize // _DIR_ENTRY
    changed = False
    for entry in ole.direntries:
        if entry is None or not (entry.createTime or entry.modifyTime):
            continue
        sector = directory[entry.sid // per_sector]
        offset = (sector + 1) * ole.sectorsize + (entry.sid % per_sector) * _DIR_ENTRY
        buffer.seek(offset + _TIMES.start)
        buffer.write(b"\0" * (_TIMES.stop - _TIMES.start))
        changed = True
    return changed


def _wipe_free_sectors(ole: olefile.OleFileIO, buffer: io.BytesIO) -> None:
    size = len(buffer.getbuffer())
    for sector in range(min(len(ole.fat), size // ole.sectorsize - 1)):
        if ole.fat[sector] == olefile.FREESECT:
            buffer.seek((sector + 1) * ole.sectorsize)
            buffer.write(b"\0" * ole.sectorsize)
    root = ole.root
    if root is None or root.isectStart in (olefile.ENDOFCHAIN, olefile.FREESECT):
        return
    ole.loadminifat()
    mini_stream = _chain(ole, root.isectStart)
    for index, value in enumerate(ole.minifat):
        offset = index * ole.minisectorsize
        if value != olefile.FREESECT or offset // ole.sectorsize >= len(mini_stream):
            continue
        sector = mini_stream[offset // ole.sectorsize]
        buffer.seek((sector + 1) * ole.sectorsize + offset % ole.sectorsize)
        buffer.write(b"\0" * ole.minisectorsize)
