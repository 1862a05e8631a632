"""PII detection speed of two versions of the code side by side, on the blind letters.

    .venv/bin/python benchmarks/pii_speed_ab.py OLD_TREE [NEW_TREE] [--rounds 2]

OLD_TREE is a checkout of another commit (`git worktree add /tmp/old <commit>`); NEW_TREE
defaults to this checkout. Each version runs in its own process (its own code and word lists),
the two alternate `--rounds` times, and each run prints the best of 3 passes of
`Anonymizer.run` over every German and every English blind letter, in pages (3,000
characters) per second of CPU time on one thread.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "data" / "pii_blind.jsonl"


def measure(tree: Path) -> None:
    sys.path.insert(0, str(tree))
    from kai_local.documents.pii.anonymizer import Anonymizer

    docs = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    anonymizer = Anonymizer.build()
    anonymizer.detect("Warm-up: Herr Max Mustermann, Tel. 0664 1234567.")
    for language in ("de", "en"):
        texts = [d["text"] for d in docs if d["lang"] == language]
        best = float("inf")
        for _ in range(3):
            began = time.process_time()
            for text in texts:
                anonymizer.run(text, "x.txt")
            best = min(best, time.process_time() - began)
        pages = sum(map(len, texts)) / 3000
        print(f"{tree}: {language} {len(texts)} letters, {pages / best:.1f} pages/s per core", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path, nargs="?", default=REPO)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    for _ in range(args.rounds):
        for tree in (args.old, args.new):
            subprocess.run([sys.executable, __file__, args.old, "--measure", str(tree)], check=True)


if __name__ == "__main__":
    main()
