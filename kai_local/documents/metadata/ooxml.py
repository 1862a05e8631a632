"""DOCX, XLSX, PPTX: the ZIP package rewritten part by part (exiftool cannot write them).

What goes:
- metadata parts, found by relationship type and removed with the relationship that points at
  them: docProps (core, app, custom), the thumbnail, people.xml, customXml data (SharePoint
  and tracking ids; Word's bibliography is kept), printer settings, sensitivity labels, shared-
  workbook revision logs, the attached-template path;
- parts no relationship reaches (orphans: leftovers, files hidden in the ZIP);
- inside the XML parts: authors, initials and dates of comments and tracked changes, rsids,
  document ids, the workbook's save path (see office_xml);
- in embedded images: EXIF/XMP/IPTC/ICC/comments (exiftool); embedded office files are cleaned
  the same way (OOXML recursively, OLE through olefile);
- ZIP entry dates (all become 1980-01-01) and extra fields.
[Content_Types].xml and every .rels file stay consistent with what is left: overrides and
relationships for removed parts go, and so do r:id attributes that pointed at them.

A package whose [Content_Types].xml or relationships are not well-formed XML is refused (400):
it would not open in Office either, and we could not tell which parts it holds.
"""

from __future__ import annotations

import io
import posixpath
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from kai_local.documents import filetypes
from kai_local.documents.metadata import office_xml
from kai_local.documents.metadata.exiftool import ExifTool
from kai_local.documents.metadata.images import EXIFTOOL_TYPES, clean_images
from kai_local.documents.metadata.ole import clean_ole
from kai_local.documents.metadata.policy import describe, identifying
from kai_local.documents.metadata.result import Cleaned, StripFailed
from kai_local.errors import PayloadTooLarge

CONTENT_TYPES = "[Content_Types].xml"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BIBLIOGRAPHY = "{http://schemas.openxmlformats.org/officeDocument/2006/bibliography}Sources"
# Relationship types (last path segment, the same in transitional and strict OOXML) whose
# target is metadata.
REMOVED_TYPES = {
    "core-properties": "docProps",
    "extended-properties": "docProps",
    "custom-properties": "docProps",
    "thumbnail": "Thumbnail",
    "people": "People",
    "customXml": "customXml",
    "printerSettings": "PrinterSettings",
    "classificationlabels": "Sensitivity-Labels",
    "revisionHeaders": "Revisions",
    "usernames": "People",
    "attachedTemplate": "Template",
}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# An XML part that is parsed (relationships, content types, every Word part, the few workbook
# and presentation parts that hold people) becomes an lxml tree of up to ~100x its size (tens
# of MB of '<w:p/>' built gigabytes); a real document.xml stays well under this.
MAX_XML_PART_BYTES = 32 * 1024 * 1024
MAX_PARTS = 20_000
MAX_DEPTH = 2  # office files embedded in office files embedded in ...
OLE_TYPES = {filetypes.XLS, filetypes.DOC, filetypes.PPT, filetypes.OLE}
OOXML_TYPES = {filetypes.DOCX, filetypes.XLSX, filetypes.PPTX}


def _parser() -> etree.XMLParser:
    # One per parse: an lxml parser must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass
class _Plan:
    """What one pass over a package would change."""

    removed_parts: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    # source part -> ids of its removed relationships, whose r:id attributes go too
    dropped_ids: dict[str, set[str]] = field(default_factory=dict)
    rewritten: dict[str, bytes] = field(default_factory=dict)


def clean_package(data: bytes, exiftool: ExifTool, workdir: Path, depth: int = 0) -> Cleaned:
    parts = _read_zip(data)
    plan = _plan(parts)
    kept = {name: plan.rewritten.get(name, body) for name, body in parts.items() if name not in plan.removed_parts}
    labels = set(plan.labels)
    labels |= _clean_embedded(kept, exiftool, workdir, depth)
    if any(_zip_info_leaks(info) for info in zipfile.ZipFile(io.BytesIO(data)).infolist()):
        labels.add("ZIP-Timestamps")
    cleaned = _write_zip(kept, order=list(parts))
    _verify(cleaned, exiftool, workdir)
    return Cleaned(cleaned, "ooxml", tuple(sorted(labels)))


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise StripFailed("the document is too large once unpacked")
        if any(i.flag_bits & 0x1 for i in infos):
            raise StripFailed("the document's ZIP container is encrypted")
        names = [i.filename for i in infos]
        if len({n.lower() for n in names}) != len(names):
            raise StripFailed("the document's ZIP container holds the same part twice")
        return {i.filename: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise StripFailed(f"the document's ZIP container is damaged ({exc.__class__.__name__})") from None


def _parse(name: str, body: bytes) -> etree._Element:
    _check_part_size(name, body)
    try:
        tree = etree.parse(io.BytesIO(body), _parser())
    except etree.XMLSyntaxError:
        raise StripFailed(f"its part '{name}' is not well-formed XML") from None
    if tree.docinfo.doctype:
        raise StripFailed(f"its part '{name}' declares a DTD, which OOXML does not allow")
    return tree.getroot()


def _check_part_size(name: str, body: bytes) -> None:
    if len(body) > MAX_XML_PART_BYTES:
        raise PayloadTooLarge(
            f"The document's part '{name}' unpacks to {len(body):,} bytes of XML; this server "
            f"parses at most {MAX_XML_PART_BYTES:,} per part",
            code="archive_too_large",
            param="file",
        )


def _serialize(root: etree._Element) -> bytes:
    # The declaration exactly as Office writes it (lxml would use single quotes).
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


def _root_tag(body: bytes) -> str | None:
    """The root element's tag, read without parsing the whole part: fed in small pieces until
    the root's start tag has been read (Word's carries some thirty namespace declarations)."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    try:
        for offset in range(0, len(body), 4096):
            parser.feed(body[offset : offset + 4096])
            for _, element in parser.read_events():
                return element.tag if isinstance(element.tag, str) else None
        parser.close()
        for _, element in parser.read_events():
            return element.tag if isinstance(element.tag, str) else None
    except etree.XMLSyntaxError:
        return None
    return None


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _target_part(lookup: dict[str, str], source: str, target: str) -> str | None:
    """The part a relationship of `source` points at, if the package holds it. ZIP item names
    may keep the percent-encoding of the part name or not, and some writers use backslashes:
    try each spelling, case-insensitively (OPC part names are)."""
    target = target.split("#", 1)[0].replace("\\", "/")
    for spelling in dict.fromkeys((target, unquote(target))):
        if spelling.startswith("/"):
            path = posixpath.normpath(spelling).lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(source), spelling))
        if path.lower() in lookup:
            return lookup[path.lower()]
    return None


def _plan(parts: dict[str, bytes]) -> _Plan:
    plan = _Plan()
    lookup = {name.lower(): name for name in parts}
    if CONTENT_TYPES.lower() not in lookup:
        raise StripFailed("it has no [Content_Types].xml, so it is not an office document")
    if _rels_name("").lower() not in lookup:
        raise StripFailed("it has no package relationships (_rels/.rels)")
    content_types = _parse(CONTENT_TYPES, parts[lookup[CONTENT_TYPES.lower()]])
    reachable: set[str] = set()
    queue = [""]  # "" is the package itself, whose relationships are _rels/.rels
    while queue:
        source = queue.pop()
        rels = lookup.get(_rels_name(source).lower())
        if rels is None:
            continue
        reachable.add(rels)
        for target, label in _walk_relationships(plan, source, rels, _parse(rels, parts[rels]), parts, lookup):
            if label is not None:
                plan.removed_parts.add(target)
                plan.labels.add(label)
            elif target not in reachable:
                reachable.add(target)
                queue.append(target)
    reachable.add(lookup[CONTENT_TYPES.lower()])
    # Parts only a removed part points at (its .rels, customXml item properties) go with it;
    # anything else no relationship reaches is an orphan.
    plan.removed_parts |= _subtree(plan.removed_parts, parts, lookup) - reachable
    orphans = set(parts) - reachable - plan.removed_parts
    if orphans:
        plan.removed_parts |= orphans
        plan.labels.add("Orphan-Parts")
    kept = set(parts) - plan.removed_parts
    _plan_content_types(plan, content_types, kept, lookup[CONTENT_TYPES.lower()])
    _plan_xml(plan, parts, kept)
    return plan


def _subtree(starts: set[str], parts: dict[str, bytes], lookup: dict[str, str]) -> set[str]:
    """`starts`, their relationship parts, and every part reachable from them."""
    seen: set[str] = set()
    queue = list(starts)
    while queue:
        part = queue.pop()
        if part in seen:
            continue
        seen.add(part)
        rels = lookup.get(_rels_name(part).lower())
        if rels is None or rels in seen:
            continue
        seen.add(rels)
        _check_part_size(rels, parts[rels])
        try:
            root = etree.parse(io.BytesIO(parts[rels]), _parser()).getroot()
        except etree.XMLSyntaxError:
            continue  # a removed part's broken relationships: removed with it
        for rel in root.iter(f"{{{RELS_NS}}}Relationship"):
            if rel.get("TargetMode") != "External":
                target = _target_part(lookup, part, rel.get("Target", ""))
                if target is not None:
                    queue.append(target)
    return seen


def _walk_relationships(
    plan: _Plan, source: str, rels: str, root: etree._Element, parts: dict[str, bytes], lookup: dict[str, str]
) -> Iterator[tuple[str, str | None]]:
    """Yield (target part, removal label or None) for each internal relationship of `rels`;
    record relationships to metadata for deletion."""
    doomed = []
    for rel in root.iter(f"{{{RELS_NS}}}Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        external = rel.get("TargetMode") == "External"
        target = None if external else _target_part(lookup, source, rel.get("Target", ""))
        label = REMOVED_TYPES.get(kind)
        if label == "customXml" and target is not None and _root_tag(parts[target]) == BIBLIOGRAPHY:
            label = None  # Word's citation sources: content, not metadata
        if label is not None:
            doomed.append(rel)
            plan.dropped_ids.setdefault(source, set()).add(rel.get("Id", ""))
            if target is not None:
                yield target, label
            else:
                plan.labels.add(label)
        elif target is not None:
            yield target, None
    if doomed:
        for rel in doomed:
            root.remove(rel)
        plan.rewritten[rels] = _serialize(root)


def _plan_content_types(plan: _Plan, root: etree._Element, kept: set[str], name: str) -> None:
    kept_lower = {k.lower() for k in kept}
    stale = [
        o for o in root.iter(f"{{{CT_NS}}}Override") if (o.get("PartName") or "").lstrip("/").lower() not in kept_lower
    ]
    for override in stale:
        root.remove(override)
    if stale:
        plan.rewritten[name] = _serialize(root)


def _plan_xml(plan: _Plan, parts: dict[str, bytes], kept: set[str]) -> None:
    for name in sorted(kept):
        if not name.lower().endswith(".xml") or name in plan.rewritten:
            continue
        tag = _root_tag(parts[name])
        rule = office_xml.rule_for(tag) if tag else None
        ids = plan.dropped_ids.get(name, set())
        if rule is None and not ids:
            continue
        _check_part_size(name, parts[name])  # refused as it would be when parsed
        if rule is office_xml.scrub_word and not ids and not office_xml.word_part_may_change(parts[name]):
            # most parts of a cleaned document: not parsed at all (so a part that is not
            # well-formed but holds nothing to remove is kept as it is, not refused)
            continue
        root = _parse(name, parts[name])
        changed = rule(root, parts[name]) if rule else set()
        # r:ids of removed relationships: labelled already, by the relationship's type
        dropped = bool(ids) and _drop_id_references(root, ids)
        if changed or dropped:
            plan.labels |= changed
            plan.rewritten[name] = _serialize(root)


def _drop_id_references(root: etree._Element, ids: set[str]) -> bool:
    """r:id attributes naming removed relationships; <w:attachedTemplate> needs its r:id, so it goes.
    Walks the tree without listing it (a part can hold millions of elements); removals wait
    until the walk is done."""
    found = False
    doomed = []
    for el in root.iter(etree.Element):
        for attribute, value in list(el.attrib.items()):
            if attribute.startswith(f"{{{R_NS}}}") and value in ids:
                found = True
                if el.tag == f"{{{office_xml.W}}}attachedTemplate" and el.getparent() is not None:
                    doomed.append(el)
                    break
                del el.attrib[attribute]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return found


def _clean_embedded(kept: dict[str, bytes], exiftool: ExifTool, workdir: Path, depth: int) -> set[str]:
    """Images, office files and OLE objects stored in the package (media/, embeddings/)."""
    labels: set[str] = set()
    kinds = {
        name: filetypes.detect(body) for name, body in kept.items() if not name.lower().endswith((".xml", ".rels"))
    }
    images = [(name, kind) for name, kind in kinds.items() if kind in EXIFTOOL_TYPES]
    if images:
        results = clean_images(exiftool, [(kept[n], k) for n, k in images], workdir)
        for (name, _), result in zip(images, results):
            if result.removed:
                kept[name] = result.data
                labels.add("Embedded-Images")
    for name, kind in kinds.items():
        body = kept[name]
        if kind in OOXML_TYPES or kind in OLE_TYPES:
            if depth >= MAX_DEPTH:
                raise StripFailed("it embeds office documents nested too deeply")
            with tempfile.TemporaryDirectory(dir=workdir) as inner:
                result = (
                    clean_package(body, exiftool, Path(inner), depth + 1) if kind in OOXML_TYPES else clean_ole(body)
                )
            kept[name] = result.data
            if result.removed:
                labels.add("Embedded-Documents")
    return labels


def _zip_info_leaks(info: zipfile.ZipInfo) -> bool:
    return info.date_time != ZIP_DATE or bool(info.extra) or bool(info.comment)


def _write_zip(parts: dict[str, bytes], order: list[str], compress: bool = True) -> bytes:
    """The package, [Content_Types].xml first. `compress=False` for a package that is only
    passed on to be read again (deflating Word's styles alone costs ~10 ms)."""
    out = io.BytesIO()
    position = {name: index for index, name in enumerate(order)}
    names = sorted(parts, key=lambda n: (n != CONTENT_TYPES, position[n]))
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, parts[name])
    return out.getvalue()


def _verify(cleaned: bytes, exiftool: ExifTool, workdir: Path) -> None:
    """A second pass must find nothing to do, and exiftool must see no document properties."""
    plan = _plan(_read_zip(cleaned))
    if plan.removed_parts or plan.rewritten:
        raise StripFailed(f"metadata remained after cleaning ({', '.join(sorted(plan.labels))})")
    path = workdir / f"cleaned.{filetypes.detect(cleaned)}"
    path.write_bytes(cleaned)
    tags = exiftool.read([path]).get(path)
    if tags is None or identifying(tags):
        raise StripFailed(f"metadata remained after cleaning ({describe(identifying(tags or []))})")
