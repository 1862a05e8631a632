"""A PDF page's values removed from its content stream, glyph by glyph; the page stays text.

pdfminer interprets the page with a device that records every glyph it draws: which text-
showing operator of the page's own content drew it (Tj / TJ, counted in order), which string
of that operator and which character code, where it starts and ends on the text line, and its
box. A glyph whose centre lies inside a value's box (found by PDFium on the page's text) is
cut out of its string; the advance it took becomes a TJ number in its place, so every other
glyph stays exactly where it was. Then a box is drawn where each value stood, with the
placeholder written in it (placeholder style) or black (blackout).

Whatever this cannot do safely is refused with `NotRewritable`, and the caller rasterises the
page instead: a value drawn inside a form XObject, with a Type3 font, in vertical writing, by
the ' or " operators, a multi-byte font whose codes are not two bytes each, a value over an
image (its pixels would keep it), a rotated page, or a glyph that could not be matched to its
operator. The caller also reads the rewritten page back, and rasterises it if a value is still
there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pdfminer.cmapdb import IdentityCMap
from pdfminer.layout import LTChar
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextDevice, PDFTextSeq
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFType3Font, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager, PDFTextState
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream
from pdfminer.utils import Matrix, Point, apply_matrix_pt, translate_matrix

from kai_local.documents.redact.scan import Box

TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
OVERLAY_FONT = "/KaiRedactLabel"
LABEL_GRAY = 0.88


class NotRewritable(Exception):
    """This page cannot be rewritten safely: rasterise it."""


@dataclass
class Glyph:
    operator: int  # the n-th text-showing operator of the page's own content stream
    element: int  # the index of its string in the operator's array (Tj: 0)
    code: int  # the index of its character code in that string
    x_before: float  # the text-line position before and after it (pdfminer's units)
    x_after: float
    box: tuple[float, float, float, float]  # in the page's default user space
    font: PDFFont


@dataclass
class _Operator:
    strings: list[bytes]
    dxscale: float
    font: PDFFont
    glyphs: list[Glyph] = field(default_factory=list)


class _RecordingDevice(PDFTextDevice):
    """Records the glyphs of each text-showing operator at the page level, and the boxes of
    images; draws nothing."""

    def __init__(self, rsrcmgr: PDFResourceManager, origin: tuple[float, float]) -> None:
        super().__init__(rsrcmgr)
        self.origin = origin
        self.operators: list[_Operator] = []
        self.nested_glyph_boxes: list[tuple[float, float, float, float]] = []
        self.images: list[tuple[float, float, float, float]] = []
        self.depth = 0
        self._current: _Operator | None = None
        self._element = 0
        self._code = 0

    def begin_figure(self, name: str, bbox: object, matrix: Matrix) -> None:
        self.depth += 1

    def end_figure(self, name: str) -> None:
        self.depth -= 1

    def render_image(self, name: str, stream: PDFStream) -> None:
        assert self.ctm is not None
        corners = [apply_matrix_pt(self.ctm, p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))]
        self.images.append(self._user_box(corners))

    def render_string(
        self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace, graphicstate: PDFGraphicState
    ) -> None:
        font = textstate.font
        if font is None:
            return
        seq = list(seq)
        scaling = textstate.scaling * 0.01
        operator = _Operator([s for s in seq if isinstance(s, bytes)], 0.001 * textstate.fontsize * scaling, font)
        if self.depth == 0:
            self.operators.append(operator)
        self._current = operator
        super().render_string(textstate, seq, ncs, graphicstate)
        self._current = None

    def render_string_horizontal(
        self,
        seq: PDFTextSeq,
        matrix: Matrix,
        pos: Point,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> Point:
        """pdfminer's own loop, recording each glyph's string, code and positions."""
        x, y = pos
        needcharspace = False
        element = 0
        for obj in seq:
            if isinstance(obj, int | float):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for code, cid in enumerate(font.decode(obj)):
                    before = x
                    if needcharspace:
                        x += charspace
                    char = self._char(
                        translate_matrix(matrix, (x, y)), font, fontsize, scaling, rise, cid, ncs, graphicstate
                    )
                    x += char.adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
                    self._record(element, code, before, x, char)
                element += 1
        return x, y

    def render_string_vertical(self, *args: object, **kwargs: object) -> Point:
        raise NotRewritable("vertical writing")

    def _char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> LTChar:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = ""
        return LTChar(
            matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs, graphicstate
        )

    def _record(self, element: int, code: int, before: float, after: float, char: LTChar) -> None:
        box = self._user_box([(char.x0, char.y0), (char.x1, char.y1)])
        if self.depth > 0 or self._current is None:
            self.nested_glyph_boxes.append(box)
            return
        index = len(self.operators) - 1
        self._current.glyphs.append(Glyph(index, element, code, before, after, box, self._current.font))

    def _user_box(self, points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
        """pdfminer's coordinates are shifted by the MediaBox origin; the page's own are not."""
        xs = [p[0] + self.origin[0] for p in points]
        ys = [p[1] + self.origin[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)


class PageReader:
    """pdfminer's view of one document, parsed once; each page interpreted on demand."""

    def __init__(self, source: bytes) -> None:
        self._resources = PDFResourceManager(caching=True)
        self._pages = list(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(source)))))

    def glyphs(self, index: int, origin: tuple[float, float]) -> _RecordingDevice:
        device = _RecordingDevice(self._resources, origin)
        PDFPageInterpreter(self._resources, device).process_page(self._pages[index])
        return device


def rewrite_page(
    reader: PageReader, index: int, pdf: pikepdf.Pdf, value_boxes: list[tuple[tuple[float, float, float, float], str]]
) -> int:
    """Removes the glyphs inside `value_boxes` (user-space boxes, each with the label to write:
    a placeholder, or "" for black) from page `index` of `pdf` (the document `reader` read),
    and draws the boxes. Returns how many glyphs went; raises NotRewritable."""
    page = pdf.pages[index]
    if int(page.obj.get("/Rotate", 0)) % 360:
        raise NotRewritable("rotated page")
    mediabox = [float(v) for v in page.obj.MediaBox]
    device = reader.glyphs(index, (mediabox[0], mediabox[1]))
    inside = [box for box, _ in value_boxes]
    if any(_overlaps(image, box) for image in device.images for box in inside):
        raise NotRewritable("a value over an image")
    if any(_centre_in(glyph, box) for glyph in device.nested_glyph_boxes for box in inside):
        raise NotRewritable("a value inside a form XObject")
    removed: dict[int, list[Glyph]] = {}
    for operator in device.operators:
        for glyph in operator.glyphs:
            if any(_centre_in(glyph.box, box) for box in inside):
                if isinstance(glyph.font, PDFType3Font):
                    raise NotRewritable("a Type3 font")
                removed.setdefault(glyph.operator, []).append(glyph)
    if not removed:
        raise NotRewritable("no glyph of the values found in the page's own text")
    instructions = list(pikepdf.parse_content_stream(page))
    showing = [i for i, instruction in enumerate(instructions) if str(instruction.operator) in TEXT_SHOWING]
    if len(showing) != len(device.operators):
        raise NotRewritable("the text operators could not be matched")
    for number, glyphs in removed.items():
        position = showing[number]
        instruction = instructions[position]
        if not isinstance(instruction, pikepdf.ContentStreamInstruction) or str(instruction.operator) not in (
            "Tj",
            "TJ",
        ):
            raise NotRewritable(f"a value shown with {instruction.operator}")
        instructions[position] = pikepdf.ContentStreamInstruction(
            [_without(instruction, device.operators[number], glyphs)], pikepdf.Operator("TJ")
        )
    content = pikepdf.unparse_content_stream(instructions)
    page.obj.Contents = pdf.make_stream(b"q\n" + content + b"\nQ\n" + _overlay(page, pdf, value_boxes))
    return sum(len(glyphs) for glyphs in removed.values())


def _without(instruction: pikepdf.ContentStreamInstruction, operator: _Operator, glyphs: list[Glyph]) -> pikepdf.Array:
    """The operator's array with the glyphs cut out and their advance kept as TJ numbers."""
    operands = instruction.operands
    items = list(operands[0]) if str(instruction.operator) == "TJ" else [operands[0]]
    strings = [item for item in items if isinstance(item, pikepdf.String)]
    if [bytes(s) for s in strings] != operator.strings:
        raise NotRewritable("the operator's strings differ from what was interpreted")
    width = _code_width(operator.font)
    by_element: dict[int, dict[int, Glyph]] = {}
    for removed in glyphs:
        by_element.setdefault(removed.element, {})[removed.code] = removed
    out: list[object] = []
    element = 0
    for item in items:
        if not isinstance(item, pikepdf.String):
            out.append(item)
            continue
        cut = by_element.get(element, {})
        element += 1
        if not cut:
            out.append(item)
            continue
        data = bytes(item)
        if len(data) % width:
            raise NotRewritable("character codes of unexpected length")
        codes = [data[i : i + width] for i in range(0, len(data), width)]
        kept = b""
        shift = 0.0
        for number, code in enumerate(codes):
            glyph = cut.get(number)
            if glyph is None:
                if shift:  # the cut glyphs' advance: a TJ number moves the line by -n/1000 em
                    out.append(-shift / operator.dxscale)
                    shift = 0.0
                kept += code
                continue
            if kept:
                out.append(pikepdf.String(kept))
                kept = b""
            shift += glyph.x_after - glyph.x_before
        if kept:
            out.append(pikepdf.String(kept))
        if shift:
            out.append(-shift / operator.dxscale)
    return pikepdf.Array(out)


def _code_width(font: PDFFont) -> int:
    """Bytes per character code: one for simple fonts, two for Identity-encoded CID fonts."""
    if isinstance(font, PDFCIDFont):
        if isinstance(font.cmap, IdentityCMap):
            return 2
        raise NotRewritable("a multi-byte font with a variable-length encoding")
    return 1


def _overlay(
    page: pikepdf.Page, pdf: pikepdf.Pdf, value_boxes: list[tuple[tuple[float, float, float, float], str]]
) -> bytes:
    """The boxes, drawn last in the page's default user space, with their labels."""
    resources = page.obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        resources = page.obj.Resources = pikepdf.Dictionary()
    fonts = resources.get("/Font")
    if not isinstance(fonts, pikepdf.Dictionary):
        fonts = resources.Font = pikepdf.Dictionary()
    fonts[OVERLAY_FONT] = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    parts = []
    for (x0, y0, x1, y1), label in value_boxes:
        fill = f"{LABEL_GRAY} g" if label else "0 g"
        parts.append(f"q {fill} {x0 - 1:.2f} {y0 - 1:.2f} {x1 - x0 + 2:.2f} {y1 - y0 + 2:.2f} re f Q")
        size = min((y1 - y0) * 0.75, (x1 - x0) / max(len(label) * 0.56, 1))
        if label and size >= 3:
            parts.append(
                f"BT 0 g {OVERLAY_FONT} {size:.2f} Tf {x0 + 0.5:.2f} {y0 + (y1 - y0 - size * 0.7) / 2:.2f} Td ({label}) Tj ET"
            )
    return ("\n".join(parts) + "\n").encode("latin-1")


def _centre_in(box: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - 0.5 <= x <= area[2] + 0.5 and area[1] - 0.5 <= y <= area[3] + 0.5


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


__all__ = ["Box", "NotRewritable", "rewrite_page"]
