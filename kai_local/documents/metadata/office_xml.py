"""Person and revision data inside the XML parts of DOCX, XLSX and PPTX.

Comments and tracked changes stay (they are content), but who wrote them and when does not:
authors and initials become empty, dates go. Word's revision-save ids (rsid), document ids and
the workbook's absolute save path go too. Each rule works on a parsed part and returns the
labels of what it changed, so running the rules on a cleaned file must change nothing (that is
how a result is verified).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CEX = "http://schemas.microsoft.com/office/word/2018/wordml/cex"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X15AC = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
P188 = "http://schemas.microsoft.com/office/powerpoint/2018/8/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_WORD_COMMENT_TAGS = {f"{{{W}}}comment"}


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _elements(root: etree._Element) -> Iterator[etree._Element]:
    """Every element (no comments or PIs), walked lazily: a list of a part with millions of
    elements would hold a Python proxy for each. Rules change attributes and text during the
    walk and collect what they remove for afterwards."""
    elements: Iterator[etree._Element] = root.iter(etree.Element)
    return elements


def _blank(el: etree._Element, attribute: str, value: str = "") -> bool:
    if attribute in el.attrib and el.attrib[attribute] != value:
        el.attrib[attribute] = value
        return True
    return False


def _drop(el: etree._Element, attribute: str) -> bool:
    if attribute in el.attrib:
        del el.attrib[attribute]
        return True
    return False


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # An element inside <mc:Choice> alone: remove the whole <mc:AlternateContent> around it.
    if parent.tag == _q(MC, "Choice") and len(parent) == 1:
        wrapper = parent.getparent()
        if wrapper is not None and wrapper.tag == _q(MC, "AlternateContent") and wrapper.getparent() is not None:
            wrapper.getparent().remove(wrapper)
            return
    parent.remove(el)


# Only the elements a Word rule can change, selected in C: a part of millions of plain
# paragraphs (a DOCX bomb) then costs one pass, not a Python step per element. Elements by tag
# with lxml's iter (one walk; an XPath union walks once per name, 5x slower on Word's styles);
# attributes with XPath, which looks at every attribute (~20 ms for Word's own 400 KB styles
# part) and is skipped where the part's bytes name none of them.
_RSID_TAGS = frozenset({_q(W, "rsids"), _q(W, "rsid")})
_DOC_ID_TAGS = frozenset({_q(W14, "docId"), _q(W15, "docId")})
_WORD_ELEMENT_TAGS = tuple(_RSID_TAGS | _DOC_ID_TAGS)
_WORD_ATTRIBUTE_CANDIDATES = etree.XPath(
    "//*[@*[namespace-uri() = $w and (starts-with(local-name(), 'rsid') or local-name() = 'author'"
    " or local-name() = 'initials' or local-name() = 'date')]]"
    " | //*[@*[namespace-uri() = $cex and local-name() = 'dateUtc']]"
)

# What a Word rule looks for, as it appears in the part's bytes. A test on bytes must never say
# "absent" where the parsed part has one, so it is only trusted where every name is written in
# ASCII: no declaration (UTF-8) or one of these encodings; any other part is searched parsed.
# A namespaced attribute always has a prefix; an element may be in the default namespace.
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([\w.:-]+)["']""")
_ASCII_NAMED_ENCODINGS = frozenset(
    {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252"}
)
# Both start at a literal (':' or '<'), which keeps a search through 400 KB under a millisecond.
# A name may hold any non-ASCII character ("w:rsidé"): it runs to the next delimiter.
_WORD_ELEMENT_NAMES = re.compile(rb"[<:](?:rsids?|docId)[\s/>]")
_WORD_ATTRIBUTE_NAMES = re.compile(rb":(?:rsid[^\s=/>]*|author|initials|date(?:Utc)?)\s*=")


def _names_ascii(source: bytes) -> bool:
    """Whether the XML's markup (its delimiters and the ASCII letters of its names) stands in it
    as ASCII bytes, so that a byte pattern can find a name: UTF-8 or an ASCII-compatible encoding.
    Names may still hold non-ASCII letters; the patterns allow them."""
    text = source.removeprefix(b"\xef\xbb\xbf")
    if not text.lstrip().startswith(b"<") or b"\x00" in text:
        return False  # UTF-16 or -32 (with or without a byte order mark), EBCDIC, ...
    if not text.startswith(b"<?xml"):
        return True  # no declaration: UTF-8
    declaration = text[: text.find(b"?>") + 2]
    encoding = _DECLARED_ENCODING.match(declaration)
    return encoding is None or encoding.group(1).decode().lower() in _ASCII_NAMED_ENCODINGS


def bytes_unreadable(source: bytes) -> bool:
    """Whether a byte test cannot decide anything about this part: its names do not stand in it
    as ASCII markup, or it declares a DTD (which the parse must see, to refuse it)."""
    return not _names_ascii(source) or b"<!DOCTYPE" in source


def word_part_may_change(source: bytes) -> bool:
    """Whether `scrub_word` could change this part: False only where its bytes prove it cannot
    (a cleaned part, a style or font table without revision ids), so it need not be parsed."""
    if bytes_unreadable(source):
        return True
    # A literal test first: Python's regular expressions walk alternatives slowly.
    has_elements = (b"rsid" in source or b"docId" in source) and _WORD_ELEMENT_NAMES.search(source) is not None
    return has_elements or _WORD_ATTRIBUTE_NAMES.search(source) is not None


def _word_candidates(root: etree._Element, source: bytes | None) -> list[etree._Element]:
    found: list[etree._Element] = list(root.iter(*_WORD_ELEMENT_TAGS))
    if source is None or not _names_ascii(source) or _WORD_ATTRIBUTE_NAMES.search(source):
        found += _WORD_ATTRIBUTE_CANDIDATES(root, w=W, cex=W16CEX)
    return found


_RSID_PREFIX = f"{{{W}}}rsid"
_W_AUTHOR, _W_INITIALS, _W_DATE, _CEX_DATE = _q(W, "author"), _q(W, "initials"), _q(W, "date"), _q(W16CEX, "dateUtc")


def scrub_word(root: etree._Element, source: bytes | None = None) -> set[str]:
    """`source`, the part's bytes where the caller has them, spares the attribute search where
    they name no attribute a rule changes."""
    changed: set[str] = set()
    doomed = []
    for el in _word_candidates(root, source):
        if el.tag in _RSID_TAGS:  # the list in settings, a style's own
            doomed.append(el)
            changed.add("rsid")
            continue
        if el.tag in _DOC_ID_TAGS:
            doomed.append(el)
            changed.add("Document-IDs")
            continue
        label = "Comments" if el.tag in _WORD_COMMENT_TAGS else "Revisions"
        for attribute in list(el.attrib):
            if attribute.startswith(_RSID_PREFIX):
                del el.attrib[attribute]
                changed.add("rsid")
        if _blank(el, _W_AUTHOR) | _blank(el, _W_INITIALS) | _drop(el, _W_DATE):
            changed.add(label)
        if _drop(el, _CEX_DATE):
            changed.add("Comments")
    for el in doomed:
        _remove(el)
    return changed


def scrub_spreadsheet(root: etree._Element, source: bytes | None = None) -> set[str]:
    changed: set[str] = set()
    doomed = []
    for el in _elements(root):
        if el.tag == _q(S, "author") and el.text:
            el.text = ""
            changed.add("Comments")
        elif el.tag == _q(TC, "person"):
            if _blank(el, "displayName") | _blank(el, "userId") | _blank(el, "providerId", "None"):
                changed.add("People")
        elif el.tag == _q(TC, "threadedComment") and _drop(el, "dT"):
            changed.add("Comments")
        elif el.tag == _q(X15AC, "absPath"):
            doomed.append(el)
            changed.add("File-Path")
        elif el.tag == _q(XR, "revisionPtr"):
            doomed.append(el)
            changed.add("Document-IDs")
        elif el.tag == _q(S, "fileSharing") and _blank(el, "userName"):
            changed.add("People")
    for el in doomed:
        _remove(el)
    return changed


def scrub_presentation(root: etree._Element, source: bytes | None = None) -> set[str]:
    changed: set[str] = set()
    for el in _elements(root):
        if el.tag == _q(P, "cmAuthor"):
            if _blank(el, "name") | _blank(el, "initials"):
                changed.add("Comments")
        elif el.tag == _q(P, "cm") and _drop(el, "dt"):
            changed.add("Comments")
        elif el.tag == _q(P188, "author"):
            if _blank(el, "name") | _blank(el, "initials") | _blank(el, "userId") | _blank(el, "providerId", "None"):
                changed.add("Comments")
        elif el.tag in (_q(P188, "cm"), _q(P188, "reply")) and _drop(el, "created"):
            changed.add("Comments")
    return changed


# A rule: a parsed part and its bytes (where known) -> the labels of what it changed.
Rule = Callable[[etree._Element, bytes | None], set[str]]
# Every Word part may carry rsids; in workbooks and presentations only these few parts hold
# people, so large worksheets and slides are never parsed.
WORD_NAMESPACES = frozenset({W, W15, W16CEX})
RULES_BY_ROOT: dict[str, Rule] = {
    _q(S, "comments"): scrub_spreadsheet,
    _q(S, "workbook"): scrub_spreadsheet,
    _q(TC, "personList"): scrub_spreadsheet,
    _q(TC, "ThreadedComments"): scrub_spreadsheet,
    _q(P, "cmAuthorLst"): scrub_presentation,
    _q(P, "cmLst"): scrub_presentation,
    _q(P188, "authorLst"): scrub_presentation,
    _q(P188, "cmLst"): scrub_presentation,
}


def rule_for(root_tag: str) -> Rule | None:
    if etree.QName(root_tag).namespace in WORD_NAMESPACES:
        return scrub_word
    return RULES_BY_ROOT.get(root_tag)
