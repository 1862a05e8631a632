"""DOCX, PPTX and XLSX redacted in their own XML: every value replaced where it stands, the
formatting kept.

A value is looked for in the text a reader sees, not in single XML nodes: Word and PowerPoint
split a paragraph into runs wherever the formatting or the editing history changes, so 'Anna
Huber' may be stored as 'An' + 'na Hu' + 'ber'. Each paragraph-like element (a Word `w:p`, a
DrawingML `a:p`, a workbook's shared or inline string) is read as the concatenation of its text
nodes; a match is mapped back onto the nodes: its replacement goes into the node where it
starts (that run's formatting stays), its characters leave every node it covers. Tabs and line
breaks between runs read as whitespace, so 'Anna<tab/>Huber' matches too (the break goes with
the value). Tracked changes are read twice, as the text is now and as it was before the changes,
so that neither version keeps a value; field codes and phonetic guides are read on their own.

Besides paragraphs: alternative texts and shape names, hyperlink targets and tooltips, comment
authors, chart caches, sheet headers and footers, formulas' string literals, and sheet names.
A sheet name cannot hold '[' or ']', so a renamed sheet gets the placeholder without them
('NAME_1'), and every reference to it (formulas, defined names, chart series, hyperlinks, pivot
sources) is renamed with it.

Every XML part is walked, except [Content_Types].xml; in relationship parts only external
targets (a 'mailto:' link) are. Other entries (pictures, VML drawings, OLE objects) are kept as
they are; office files embedded in the package are redacted the same way. A package with no
value in it is returned unchanged.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from lxml import etree

from kai_local.documents import filetypes
from kai_local.documents.extract.base import corrupt
from kai_local.documents.metadata.office_xml import bytes_unreadable
from kai_local.documents.metadata.ooxml import (
    CONTENT_TYPES,
    RELS_NS,
    _check_part_size,
    _parse,
    _read_zip,
    _root_tag,
    _serialize,
    _write_zip,
)
from kai_local.documents.metadata.result import StripFailed
from kai_local.documents.redact.matching import Replacer

# Transitional and strict OOXML name the same vocabularies differently; a family letter stands
# for both.
_FAMILIES = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
    "http://purl.oclc.org/ooxml/wordprocessingml/main": "w",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://purl.oclc.org/ooxml/drawingml/main": "a",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "s",
    "http://purl.oclc.org/ooxml/spreadsheetml/main": "s",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
    "http://purl.oclc.org/ooxml/drawingml/chart": "c",
    "http://schemas.microsoft.com/office/drawing/2014/chartex": "cx",
    "http://schemas.openxmlformats.org/presentationml/2006/main": "p",
    "http://purl.oclc.org/ooxml/presentationml/main": "p",
    "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments": "tc",
    "http://schemas.microsoft.com/office/excel/2006/main": "xm",
    # document properties (the metadata stripper removes these parts afterwards)
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "props",
    "http://purl.org/dc/elements/1.1/": "props",
    "http://purl.org/dc/terms/": "props",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "props",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "vt",
}
# The elements read as one paragraph: Word's paragraph, DrawingML's (slides, notes, charts,
# text boxes, SmartArt) and SpreadsheetML's rich text (a shared string, an inline string, the
# text of a legacy cell comment).
_PARAGRAPHS = {("w", "p"), ("a", "p"), ("s", "si"), ("s", "is"), ("s", "text")}
# Per family: the text nodes of a paragraph, and the stream each belongs to (a field's code is
# not part of the sentence around it).
_TEXT_NODES = {
    "w": {"t": "text", "delText": "text", "instrText": "field", "delInstrText": "field"},
    "a": {"t": "text"},
    "s": {"t": "text"},
}
# Elements between text nodes that read as a character: they separate words (or, a soft hyphen,
# join them). One covered by a match is removed with the value.
_SEPARATORS = {
    "w": {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "sym": " ", "noBreakHyphen": "-", "softHyphen": ""},
    "a": {"br": "\n"},
    "s": {},
}
# Elements whose text is a stream of its own inside a paragraph: ruby (phonetic) text above
# Word's characters, a spreadsheet string's phonetic runs.
_ASIDES = {("w", "rt"), ("s", "rPh")}
_INSERTED = {"ins", "moveTo"}  # Word's tracked changes: text added ...
_DELETED = {"del", "moveFrom"}  # ... and text removed (kept in the file until accepted)
# Formulas and references: in spreadsheets, conditional formats, validations, tables, charts.
_FORMULAS = {
    ("s", "f"),
    ("s", "definedName"),
    ("s", "formula"),
    ("s", "formula1"),
    ("s", "formula2"),
    ("s", "calculatedColumnFormula"),
    ("s", "totalsRowFormula"),
    ("c", "f"),
    ("cx", "f"),
    ("xm", "f"),
}
_HEADERS_FOOTERS = {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"}
# Attributes that hold text a user wrote or sees, by element (any namespace): alternative text
# and shape names, tooltips, field instructions, content-control titles, table and pivot
# column names, comment authors, slide, section and custom-show names, VML alt texts.
_ATTRIBUTES = {
    "docPr": ("descr", "title", "name"),
    "cNvPr": ("descr", "title", "name"),
    "hyperlink": ("tooltip", "display"),
    "hlinkClick": ("tooltip",),
    "hlinkHover": ("tooltip",),
    "fldSimple": ("instr",),
    "alias": ("val",),
    "tableColumn": ("name",),
    "cacheField": ("name",),
    "cmAuthor": ("name", "initials"),
    "author": ("name", "initials", "userId"),
    "person": ("displayName", "userId", "author"),
    "cSld": ("name",),
    "section": ("name",),
    "custShow": ("name",),
    "shape": ("alt",),
    "imagedata": ("title",),
}
# On any element: who made a tracked change or wrote a comment (the stripper blanks these too).
_PERSON_ATTRIBUTES = ("author", "initials")
_VT_TEXT = {"lpstr", "lpwstr", "bstr"}  # the text-valued property types
_NUMERIC_CACHES = {"numCache", "numLit"}  # a chart's cached numbers: not text

# Excel's header/footer codes: '&"Arial,Bold"', '&12' (size), '&K00FF00' (colour) and the
# letter codes. Formatting reads as nothing (it can sit inside a word), a field or a section
# change ('&P', '&C') as a space, '&&' as the ampersand it stands for.
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|.)', re.DOTALL)
_FORMATTING_CODES = re.compile(r'&(?:"[^"]*"|\d+|K.*|[BIUESXYbiuesxy])', re.DOTALL)
_STRING_LITERAL = re.compile(r'("(?:[^"]|"")*")')
# A sheet reference before '!': quoted ('Anna Huber'!A1, with '' for a quote) or a bare name
# (Huber!A1), either possibly a 3-D range of sheets (Jan:Mar!A1).
_SHEET_REFERENCE = re.compile(r"'((?:[^']|'')+)'(?=!)|(?<![\w.\]'])([^\W\d][\w.]*(?::[^\W\d][\w.]*)?)(?=!)")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
MAX_DEPTH = 2  # office files embedded in office files embedded in ...
OOXML_TYPES = {filetypes.DOCX, filetypes.XLSX, filetypes.PPTX}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def redact_package(data: bytes, replacer: Replacer) -> tuple[bytes, int]:
    """The package with every value replaced in its text; and how many replacements were made."""
    return _redact_package(data, replacer, depth=0)


def _redact_package(data: bytes, replacer: Replacer, depth: int) -> tuple[bytes, int]:
    if not replacer:
        return data, 0
    kind = filetypes.detect(data)
    label = kind.upper() if kind in OOXML_TYPES else "an office document"
    try:
        parts = _read_zip(data)
        rewritten, count = _redact_parts(parts, replacer, depth)
    except StripFailed as exc:
        # The package's own words ("its part 'word/document.xml' is not well-formed XML").
        raise corrupt(label, exc) from None
    if not count:
        return data, 0  # nothing to replace: the original bytes, not a re-packed copy
    # Not deflated: the metadata stripper reads it again and writes the package that is returned.
    return _write_zip({**parts, **rewritten}, order=list(parts), compress=False), count


def _redact_parts(parts: dict[str, bytes], replacer: Replacer, depth: int) -> tuple[dict[str, bytes], int]:
    """The rewritten parts (those with a replacement) and the number of replacements."""
    rewritten: dict[str, bytes] = {}
    count = 0
    # The workbook first: a renamed sheet must be renamed in every reference to it.
    workbooks: dict[str, tuple[etree._Element, int]] = {}
    sheets: dict[str, tuple[str, int]] = {}
    for name, body in parts.items():
        if _is_text_part(name) and _family_of(_root_tag(body)) == ("s", "workbook"):
            root = _parse(name, body)
            renamed, found = _rename_sheets(root, replacer)
            workbooks[name] = (root, found)
            sheets.update(renamed)
    for name, body in parts.items():
        if _is_text_part(name):
            if name not in workbooks and not _may_hold_text(body):
                _check_part_size(name, body)  # refused as it would be when parsed
                continue  # styles, fonts, numbering, themes: no element the walk changes
            root, found = workbooks[name] if name in workbooks else (_parse(name, body), 0)
            found += _redact_tree(root, replacer, sheets)
            if found:
                rewritten[name] = _serialize(root)
            count += found
        elif name.lower().endswith(".rels"):
            root = _parse(name, body)
            found = _redact_external_targets(root, replacer)
            if found:
                rewritten[name] = _serialize(root)
            count += found
        elif depth < MAX_DEPTH and body.startswith(b"PK\x03\x04") and filetypes.detect(body) in OOXML_TYPES:
            # An embedded workbook (a chart's data, an inserted object) shows its text when opened.
            inner, found = _redact_package(body, replacer, depth + 1)
            if found:
                rewritten[name] = inner
            count += found
    return rewritten, count


# Every element the walk below changes, by local name: a part whose bytes name none of them
# (and none of the person attributes, and no property vocabulary) is not parsed. Word's
# styles, fonts and numbering of a python-docx document are 800 KB of XML; parsing and walking
# them cost more than the rest of the redaction. Names are read in the bytes only where they are
# written in ASCII (`bytes_unreadable`); a character reference could hide a namespace, so a part with
# one is parsed. A skipped part is kept byte for byte, as one without a value is.
_WALKED_ELEMENTS = (
    {local for _, local in _PARAGRAPHS | _FORMULAS}
    | _HEADERS_FOOTERS
    | _VT_TEXT
    | set(_ATTRIBUTES)
    | {"v", "pt", "author", "text", "s", "sheet", "worksheetSource", "hyperlink"}
)
_WALKED_ELEMENT_NAMES = re.compile(  # a prefix may hold non-ASCII letters ("é:p")
    rb"<(?:[^\s<>/:=!?\"']+:)?(?:" + b"|".join(re.escape(n.encode()) for n in sorted(_WALKED_ELEMENTS)) + rb")[\s/>]"
)
_PERSON_ATTRIBUTE_NAMES = re.compile(rb"[\s:](?:" + b"|".join(n.encode() for n in _PERSON_ATTRIBUTES) + rb")\s*=")
_PROPERTY_NAMESPACES = tuple(ns.encode() for ns, family in _FAMILIES.items() if family in {"props", "vt"})


def _may_hold_text(body: bytes) -> bool:
    return (
        bytes_unreadable(body)
        or b"&#" in body
        or _WALKED_ELEMENT_NAMES.search(body) is not None
        or (
            any(name.encode() in body for name in _PERSON_ATTRIBUTES)
            and _PERSON_ATTRIBUTE_NAMES.search(body) is not None
        )
        or any(namespace in body for namespace in _PROPERTY_NAMESPACES)
    )


def _is_text_part(name: str) -> bool:
    return name.lower().endswith(".xml") and name != CONTENT_TYPES


def _family_of(tag: object) -> tuple[str, str] | None:
    """(family, local name) of an element's tag; None for comments, processing instructions and
    vocabularies without text to redact."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    namespace, _, local = tag[1:].partition("}")
    family = _FAMILIES.get(namespace)
    return (family, local) if family else None


def _local(name: str) -> str:
    return name.rpartition("}")[2]


# --- sheet names -------------------------------------------------------------------------


def _rename_sheets(workbook: etree._Element, replacer: Replacer) -> tuple[dict[str, tuple[str, int]], int]:
    """Sheet names with a value replaced, as old name (case-folded) -> (new name, replacements)."""
    sheets = [el for el in workbook.iter(etree.Element) if _family_of(el.tag) == ("s", "sheet")]
    taken = {(el.get("name") or "").casefold() for el in sheets}
    renamed: dict[str, tuple[str, int]] = {}
    count = 0
    for sheet in sheets:
        old = sheet.get("name") or ""
        new, found = replacer.sub(old)
        if not found:
            continue
        new = _unique_sheet_name(_sheet_safe(new) or "Sheet", taken)
        taken.add(new.casefold())
        sheet.set("name", new)
        renamed[old.casefold()] = (new, found)
        count += found
    return renamed, count


def _sheet_safe(text: str) -> str:
    """Text Excel accepts as a sheet name: none of []:*?/\\, no quote at either end, 31 characters."""
    return _NOT_IN_SHEET_NAMES.sub("", text).strip("'")[:MAX_SHEET_NAME]


def _unique_sheet_name(name: str, taken: set[str]) -> str:
    # Two sheets named after one person ('Anna Huber', 'A. Huber') share a placeholder; Excel
    # refuses a workbook with two sheets of one name.
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    return candidate


# --- one part ----------------------------------------------------------------------------


@dataclass
class _Part:
    """What one part's walk needs: the values, the renamed sheets, and the structural changes
    that wait until the walk is done (lxml's iterator must not lose the node it goes to next)."""

    replacer: Replacer
    sheets: Mapping[str, tuple[str, int]]
    later: list[Callable[[], None]] = field(default_factory=list)


def _redact_tree(root: etree._Element, replacer: Replacer, sheets: Mapping[str, tuple[str, int]]) -> int:
    part = _Part(replacer, sheets)
    count = 0
    for el in root.iter(etree.Element):
        count += _redact_attributes(el, part)
        kind = _family_of(el.tag)
        if kind is not None:
            count += _redact_element(el, kind, part)
    for change in part.later:
        change()
    return count


def _redact_element(el: etree._Element, kind: tuple[str, str], part: _Part) -> int:
    family, local = kind
    if kind in _PARAGRAPHS:
        return _redact_paragraph(el, family, part)
    if kind in _FORMULAS:
        return _set_text(el, *_redact_formula(el.text or "", part))
    if family == "s" and local in _HEADERS_FOOTERS:
        return _set_text(el, *_redact_header_footer(el.text or "", part.replacer))
    if family == "s" and local == "v":
        return _redact_cell_value(el, part)
    if kind in {("s", "author"), ("tc", "text"), ("p", "text")} or (family == "props" and len(el) == 0):
        # a comment author's name, a threaded or legacy slide comment, a document property
        return _set_text(el, *part.replacer.sub(el.text or ""))
    if family == "vt" and local in _VT_TEXT:
        return _set_text(el, *part.replacer.sub(el.text or ""))
    if kind == ("c", "v") and not _in_numeric_cache(el):
        # a series name or a category label cached in the chart
        return _set_text(el, *part.replacer.sub(el.text or ""))
    if family == "cx" and _chartex_text(el, local):
        return _set_text(el, *part.replacer.sub(el.text or ""))
    return 0


def _in_numeric_cache(value: etree._Element) -> bool:
    point = value.getparent()
    cache = point.getparent() if point is not None else None
    return cache is not None and _local(cache.tag) in _NUMERIC_CACHES


def _chartex_text(el: etree._Element, local: str) -> bool:
    """A newer chart's (waterfall, treemap, ...) cached category labels and series names."""
    parent = el.getparent()
    if local == "pt":
        grandparent = parent.getparent() if parent is not None else None
        return grandparent is not None and _local(grandparent.tag) == "strDim"
    return local == "v" and parent is not None and _local(parent.tag) == "txData"


def _set_text(el: etree._Element, text: str, count: int) -> int:
    if count:
        el.text = text
    return count


def _redact_attributes(el: etree._Element, part: _Part) -> int:
    tag = el.tag
    if not isinstance(tag, str) or not el.attrib:
        return 0
    local = _local(tag)
    names = _ATTRIBUTES.get(local, ()) + _PERSON_ATTRIBUTES
    count = 0
    for attribute, value in el.attrib.items():
        name = _local(attribute)
        if name in names:
            new, found = part.replacer.sub(value)
            if found:
                el.set(attribute, new)
                count += found
    kind = _family_of(tag)
    if kind == ("s", "s") and "v" in el.attrib:  # a pivot cache's shared item
        new, found = part.replacer.sub(el.get("v"))
        count += found
        if found:
            el.set("v", new)
    elif kind == ("s", "worksheetSource") and "sheet" in el.attrib:  # a pivot table's source sheet
        renamed = part.sheets.get(el.get("sheet").casefold())
        if renamed is not None:
            el.set("sheet", renamed[0])
            count += renamed[1]
    elif kind == ("s", "hyperlink") and "location" in el.attrib:  # a link to a cell: 'Sheet'!A1
        new, found = _redact_formula(el.get("location"), part)
        count += found
        if found:
            el.set("location", new)
    return count


def _redact_external_targets(rels: etree._Element, replacer: Replacer) -> int:
    """A hyperlink's target ('mailto:anna.huber@example.at'), kept in the relationship part.
    The replacement is percent-encoded: Office refuses a target that is not a valid URI."""
    count = 0
    for rel in rels.iter(f"{{{RELS_NS}}}Relationship"):
        if rel.get("TargetMode") != "External":
            continue
        target = rel.get("Target") or ""
        found = replacer.matches(target)
        if found:
            parts, position = [], 0
            for match in found:
                parts += [target[position : match.start], urllib.parse.quote(match.replacement, safe="")]
                position = match.end
            rel.set("Target", "".join(parts) + target[position:])
            count += len(found)
    return count


# --- paragraphs --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A text node of a paragraph, or a separator between them (a tab, a line break)."""

    element: etree._Element
    text: str  # what it reads as
    editable: bool  # a text node (its text can change) rather than a separator
    stream: str  # "text", "field", or an aside ("aside1", ...): streams are matched apart
    deleted: bool = False
    inserted: bool = False


def _redact_paragraph(paragraph: etree._Element, family: str, part: _Part) -> int:
    pieces = _pieces(paragraph, family)
    views = _views(pieces)
    count = 0
    for index, view in enumerate(views):
        if index:
            pieces = _pieces(paragraph, family)  # as the previous view left them
        count += _apply([piece for piece in pieces if view(piece)], family, part)
    return count


def _pieces(paragraph: etree._Element, family: str) -> list[_Piece]:
    """The paragraph's text nodes and separators in document order, without those of paragraphs
    nested in it (a text box in a Word paragraph is a paragraph of its own)."""
    texts, separators = _TEXT_NODES[family], _SEPARATORS[family]
    pieces: list[_Piece] = []
    asides = 0
    stack = [(child, "text", False, False) for child in reversed(paragraph)]
    while stack:
        el, stream, deleted, inserted = stack.pop()
        kind = _family_of(el.tag)
        if kind is None or kind[0] != family:
            if isinstance(el.tag, str):  # markup-compatibility wrappers, drawings: look inside
                stack += [(child, stream, deleted, inserted) for child in reversed(el)]
            continue
        local = kind[1]
        if kind in _PARAGRAPHS or local.endswith("Pr"):
            continue  # a nested paragraph; properties (tab stops are w:tab too) hold no text
        if local in texts:
            own = texts[local] if stream == "text" else stream
            pieces.append(_Piece(el, el.text or "", True, own, deleted, inserted))
            continue
        if local in separators:
            pieces.append(_Piece(el, separators[local], False, stream, deleted, inserted))
            continue
        if kind in _ASIDES:
            asides += 1
            stream = f"aside{asides}"
        deleted = deleted or local in _DELETED
        inserted = inserted or local in _INSERTED
        stack += [(child, stream, deleted, inserted) for child in reversed(el)]
    return pieces


def _views(pieces: list[_Piece]) -> list[Callable[[_Piece], bool]]:
    """Which pieces read together: each stream on its own; with tracked changes, the text as it
    is now (without deletions) and as it was (without insertions)."""
    views: list[Callable[[_Piece], bool]] = []
    for stream in dict.fromkeys(piece.stream for piece in pieces):
        views.append(partial(_reads_now, stream))
        if any(piece.stream == stream and (piece.deleted or piece.inserted) for piece in pieces):
            views.append(partial(_read_before, stream))
    return views


def _reads_now(stream: str, piece: _Piece) -> bool:
    return piece.stream == stream and not piece.deleted


def _read_before(stream: str, piece: _Piece) -> bool:
    return piece.stream == stream and not piece.inserted


def _apply(pieces: list[_Piece], family: str, part: _Part) -> int:
    edited, count = _edit([(piece.text, piece.editable) for piece in pieces], part.replacer)
    for piece, text in zip(pieces, edited):
        if text is None:
            part.later.append(partial(_remove, piece.element))
        elif text != piece.text:
            piece.element.text = text
            if family in ("w", "s"):
                # Word and Excel drop a text node's leading and trailing spaces without it.
                piece.element.set(XML_SPACE, "preserve")
    return count


def _edit(pieces: list[tuple[str, bool]], replacer: Replacer) -> tuple[list[str | None], int]:
    """Each piece's text after replacing the values in the text the pieces read as together
    (None: a separator inside a value, to be removed); and how many values were replaced.

    A replacement goes into the first text piece its match covers, where the match starts;
    the matched characters leave every piece."""
    bounds, position = [], 0
    for text, _ in pieces:
        bounds.append((position, position + len(text)))
        position += len(text)
    anchors: list[tuple[int, int, str, int]] = []  # (start, end, replacement, anchor piece)
    for match in replacer.matches("".join(text for text, _ in pieces)):
        anchor = next(
            (i for i, (start, end) in enumerate(bounds) if pieces[i][1] and start < match.end and match.start < end),
            None,
        )
        if anchor is not None:  # (a match always starts in a text piece: values start with no space)
            anchors.append((match.start, match.end, match.replacement, anchor))
    if not anchors:
        return [text for text, _ in pieces], 0
    edited: list[str | None] = []
    for index, ((text, editable), (start, end)) in enumerate(zip(pieces, bounds)):
        covering = [a for a in anchors if a[0] < end and start < a[1]] if end > start else []
        if not editable:
            inside = any(a[0] < start < a[1] for a in anchors)  # an empty separator (soft hyphen)
            edited.append(None if covering or inside else text)
            continue
        out, position = [], start
        for match_start, match_end, replacement, anchor in covering:
            out.append(text[position - start : max(match_start, start) - start])
            if anchor == index:
                out.append(replacement)
            position = min(match_end, end)
        out.append(text[position - start :])
        edited.append("".join(out))
    return edited, len(anchors)


def _remove(el: etree._Element) -> None:
    """Remove an element, keeping the text that follows it (lxml drops an element's tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


# --- spreadsheets ------------------------------------------------------------------------


def _redact_cell_value(value: etree._Element, part: _Part) -> int:
    """A cell's own value: a formula's text result in place, a number that is a value (a phone
    number typed as digits) as an inline string (a placeholder is not a number)."""
    cell = value.getparent()
    if cell is None or _family_of(cell.tag) != ("s", "c"):
        return 0
    kind = cell.get("t")
    text, count = part.replacer.sub(value.text or "")
    if not count:
        return 0
    if kind == "str":
        value.text = text
    elif kind in (None, "n") and not any(_local(child.tag) == "f" for child in cell if isinstance(child.tag, str)):
        part.later.append(partial(_to_inline_string, cell, value, text))
    else:
        return 0  # booleans, errors, dates, shared-string indexes: no text of their own
    return count


def _to_inline_string(cell: etree._Element, value: etree._Element, text: str) -> None:
    namespace = cell.tag[1:].partition("}")[0]
    inline = etree.Element(f"{{{namespace}}}is")
    etree.SubElement(inline, f"{{{namespace}}}t").text = text
    value.addprevious(inline)
    cell.remove(value)
    cell.set("t", "inlineStr")


def _redact_header_footer(text: str, replacer: Replacer) -> tuple[str, int]:
    """A sheet's printed header or footer ('&L&"Arial,Bold"Anna Huber&RPage &P'): the codes
    stay, the text between them is matched as one."""
    pieces: list[tuple[str, bool]] = []
    written: list[str] = []  # each piece as stored
    position = 0
    for code in _HEADER_CODE.finditer(text):
        pieces.append((text[position : code.start()], True))
        written.append(text[position : code.start()])
        reads = "&" if code.group() == "&&" else "" if _FORMATTING_CODES.fullmatch(code.group()) else " "
        pieces.append((reads, False))
        written.append(code.group())
        position = code.end()
    pieces.append((text[position:], True))
    written.append(text[position:])
    edited, count = _edit(pieces, replacer)
    if not count:
        return text, 0
    out = [
        new if editable else stored for new, stored, (_, editable) in zip(edited, written, pieces) if new is not None
    ]
    return "".join(out), count


def _redact_formula(text: str, part: _Part) -> tuple[str, int]:
    """A formula or reference: values in its string literals replaced, renamed sheets renamed
    in its references, and a value anywhere else (another workbook's sheet) replaced by what a
    sheet name can hold, so that the formula stays a formula."""
    pieces = _STRING_LITERAL.split(text)  # code, "literal", code, ...
    count = 0
    for index, piece in enumerate(pieces):
        if index % 2:
            pieces[index], found = part.replacer.sub(piece)  # a placeholder holds no '"'
        else:
            pieces[index], found = _redact_formula_code(piece, part)
        count += found
    return "".join(pieces), count


def _redact_formula_code(code: str, part: _Part) -> tuple[str, int]:
    out, position, count = [], 0, 0
    for reference in _SHEET_REFERENCE.finditer(code):
        quoted = reference.group(1)
        names = (quoted.replace("''", "'") if quoted is not None else reference.group(2)).split(":")
        renamed = [part.sheets.get(name.casefold()) for name in names]
        if not any(renamed):
            continue
        new = ":".join(r[0] if r else name for name, r in zip(names, renamed))
        out += [code[position : reference.start()], "'" + new.replace("'", "''") + "'"]
        position = reference.end()
        count += sum(r[1] for r in renamed if r)
    out.append(code[position:])
    code = "".join(out)
    out, position = [], 0
    for match in part.replacer.matches(code):
        out += [code[position : match.start], _sheet_safe(match.replacement)]
        position = match.end
        count += 1
    out.append(code[position:])
    return "".join(out), count
