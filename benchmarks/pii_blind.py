"""Builds benchmarks/data/pii_blind.jsonl from the hand-labelled letters in data/pii_blind/.

    .venv/bin/python benchmarks/pii_blind.py

The letters were written and labelled by helpers that saw only data/pii_blind/GUIDE.md (letter
conventions and the 26 types), never the recognizers or the synthetic generator. Each value is
written inline as {{type|value}}; this script strips the markup and records character spans.
Parts a-e form the split "blind" (scored once before any rule change, then used to find the
kinds of miss); parts f-g form "blind2", kept unread and scored only after the fixes; parts h-l
form "blind3", written by five more helpers on 2026-12-01 (second session) and scored once, unread;
parts m-n form "blind4", written by two more helpers on 2026-12-02 (fourth session) and scored once,
unread, after the employer and relative's-job rules made from blind3's misses; parts o-p form
"blind5", written by two more helpers on 2026-12-02 (fifth session) and scored once, unread, after
the rules made from blind4's misses (OCR'd digits, departments alone, given names that are words);
parts q-r form "blind6", written by two more helpers in the same session and scored once, unread,
after rounds 6-9 (made from blind5's and blind3's misses); parts s-u form "blind7", written by
three more helpers on 2026-12-02 (sixth session: mostly Swiss, Austrian and German letters in
prose) and scored once, unread, after rounds 10-11; parts v-x form "blind8", written by three more
helpers in the same session (psychiatry and social work; surgery, oncology and radiology; rural
practices, partly OCR'd) and scored once, unread, after rounds 12-13; parts y, z and aa form
"blind9", written by three more helpers in the same session (emergency and intensive care;
authorities, insurers, courts and lawyers; obstetrics and paediatrics, one transcribed by speech
recognition) and scored once, unread, after round 14. Later splits (blind10-blind17, three parts
each) were written the same way and scored once, unread, each in the session it was written;
their first scorings are in results/pii_blindN_first_run_*.txt.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kai_local.documents.pii import PII_TYPES
from kai_local.documents.pii.nlp import detect_language

SOURCE = Path(__file__).resolve().parent / "data" / "pii_blind"
OUT = Path(__file__).resolve().parent / "data" / "pii_blind.jsonl"
SPLIT_OF_PART = {
    "a": "blind",
    "b": "blind",
    "c": "blind",
    "d": "blind",
    "e": "blind",
    "f": "blind2",
    "g": "blind2",
    "h": "blind3",
    "i": "blind3",
    "j": "blind3",
    "k": "blind3",
    "l": "blind3",
    "m": "blind4",
    "n": "blind4",
    "o": "blind5",
    "p": "blind5",
    "q": "blind6",
    "r": "blind6",
    "s": "blind7",
    "t": "blind7",
    "u": "blind7",
    "v": "blind8",
    "w": "blind8",
    "x": "blind8",
    "y": "blind9",
    "z": "blind9",
    "aa": "blind9",
    "ab": "blind10",
    "ac": "blind10",
    "ad": "blind10",
    "ae": "blind11",
    "af": "blind11",
    "ag": "blind11",
    "ah": "blind12",
    "ai": "blind12",
    "aj": "blind12",
    "ak": "blind13",
    "al": "blind13",
    "am": "blind13",
    "an": "blind14",
    "ao": "blind14",
    "ap": "blind14",
    "aq": "blind15",
    "ar": "blind15",
    "as": "blind15",
    "at": "blind16",
    "au": "blind16",
    "av": "blind16",
    "aw": "blind17",
    "ax": "blind17",
    "ay": "blind17",
}
HEADER = re.compile(r"^=== LETTER (\S+) \| (AT|DE|CH) \| (.+?) ===\s*$", re.M)
TAG = re.compile(r"\{\{([a-z_]+)\|([^{}\n]+?)\}\}")


def parse(raw: str, split: str) -> list[dict]:
    heads = list(HEADER.finditer(raw))
    letters = []
    for i, head in enumerate(heads):
        body = raw[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(raw)].strip("\n")
        pieces: list[str] = []
        spans = []
        length = pos = 0
        for m in TAG.finditer(body):
            pii_type, value = m.group(1), m.group(2)
            if pii_type not in PII_TYPES:
                raise SystemExit(f"{head.group(1)}: unknown type {pii_type!r}")
            pieces.append(body[pos : m.start()])
            length += m.start() - pos
            spans.append({"start": length, "end": length + len(value), "type": pii_type, "value": value})
            pieces.append(value)
            length += len(value)
            pos = m.end()
        pieces.append(body[pos:])
        text = "".join(pieces)
        if "{{" in text or "}}" in text:
            raise SystemExit(f"{head.group(1)}: malformed markup left in the text")
        letters.append(
            {
                "id": head.group(1),
                "split": split,
                "kind": head.group(3).strip(),
                "country": head.group(2),
                "lang": detect_language(text),
                "text": text,
                "spans": spans,
            }
        )
    return letters


def main() -> None:
    rows = []
    for path in sorted(SOURCE.glob("part_*.txt")):
        part = path.stem.removeprefix("part_")
        rows += parse(path.read_text(encoding="utf-8"), SPLIT_OF_PART[part])
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for split in sorted(set(SPLIT_OF_PART.values())):
        part = [r for r in rows if r["split"] == split]
        print(
            f"{split}: {len(part)} letters, {sum(len(r['spans']) for r in part)} labelled spans, "
            f"{sum(len(r['text']) for r in part)} characters"
        )


if __name__ == "__main__":
    main()
