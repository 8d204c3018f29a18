"""Resolution rate of nlu.datetime_parser on the gold files in tests/data/datetime.

Usage: .venv/bin/python scripts/eval_datetime.py [--misses]

For each gold file it prints two rates: `parse(span)` equal to the gold value,
and `find_spans(utterance)` returning the gold span at the right offsets with
the gold value. Gold values are fixed for now = 2026-11-27T10:00+07:00.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu.datetime_parser import find_spans, parse_iso  # noqa: E402

GOLD_DIR = ROOT / "tests" / "data" / "datetime"
GOLD_FILES = ("xsid_gold.tsv", "citizen_gold.tsv", "heldout_gold.tsv")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def load_gold(path: Path) -> list[tuple[str, str, str]]:
    """Rows (utterance, span, value); plain tab-separated, no quoting."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = []
    for line in lines[1:]:
        if line.strip():
            utterance, span, value = line.split("\t")
            rows.append((utterance, span, value))
    return rows


def span_offset(utterance: str, span: str) -> int:
    """First occurrence of the span as whole words."""
    start = utterance.find(span)
    while start >= 0:
        before = utterance[start - 1] if start else " "
        end = start + len(span)
        after = utterance[end] if end < len(utterance) else " "
        if not before.isalnum() and not after.isalnum():
            return start
        start = utterance.find(span, start + 1)
    raise ValueError(f"span {span!r} not in {utterance!r}")


def evaluate(rows: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """Misses of parse(span) and of find_spans(utterance)."""
    parse_misses, span_misses = [], []
    for utterance, span, value in rows:
        got = parse_iso(span, NOW)
        if got != value:
            parse_misses.append(f"{span!r}: got {got!r}, want {value!r}")
        start = span_offset(utterance, span)
        found = find_spans(utterance, NOW)
        if not any(s.start == start and s.end == start + len(span) and s.iso == value for s in found):
            shown = [(s.text, s.iso) for s in found]
            span_misses.append(f"{utterance!r} want {span!r}={value!r}, got {shown}")
    return parse_misses, span_misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quiet", action="store_true", help="rates only, no misses")
    args = ap.parse_args()
    for name in GOLD_FILES:
        rows = load_gold(GOLD_DIR / name)
        parse_misses, span_misses = evaluate(rows)
        n = len(rows)
        print(
            f"{name}: parse {n - len(parse_misses)}/{n} = {1 - len(parse_misses) / n:.3f}; "
            f"find_spans {n - len(span_misses)}/{n} = {1 - len(span_misses) / n:.3f}"
        )
        if not args.quiet:
            for miss in parse_misses:
                print("  parse miss:", miss)
            for miss in span_misses:
                print("  span miss:", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
