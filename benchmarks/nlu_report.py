"""Tables for `make evaluate` and `benchmarks.nlu_variants`: one column per variant, figures only.

No line of a held-out set is printed here (blind sets show figures and confusion counts only).
"""

from __future__ import annotations

from typing import Callable

from testkit.nlu_eval import Report, median_ms, percentile

Row = tuple[str, Callable[[Report], float], str]

SUMMARY_ROWS: list[Row] = [
    ("intent accuracy", lambda r: r.intent_accuracy, "{:.3f}"),
    ("intent macro-F1", lambda r: r.macro_f1, "{:.3f}"),
    ("layanan P", lambda r: r.layanan_precision, "{:.3f}"),
    ("layanan R", lambda r: r.layanan_recall, "{:.3f}"),
    ("layanan F1", lambda r: r.layanan_f1, "{:.3f}"),
    ("layanan exact (lines)", lambda r: r.layanan_accuracy, "{:.3f}"),
    ("jenis P", lambda r: r.jenis_precision, "{:.3f}"),
    ("jenis R", lambda r: r.jenis_recall, "{:.3f}"),
    ("jenis F1", lambda r: r.jenis_f1, "{:.3f}"),
    ("parse ms median", median_ms, "{:.2f}"),
    ("parse ms p95", lambda r: percentile(r.parse_ms, 95), "{:.2f}"),
]


def summary(reports: list[Report], floors: dict[str, float] | None = None) -> str:
    """Metrics as rows, variants as columns; the CI floor (if any) in the last column."""
    floors = floors or {}
    keys = {
        "intent accuracy": "intent_accuracy",
        "intent macro-F1": "macro_f1",
        "layanan F1": "layanan_f1",
        "jenis F1": "jenis_f1",
    }
    width = max(14, *(len(r.name) + 2 for r in reports)) if reports else 14
    head = f"{'metric':<22}" + "".join(f"{r.name:>{width}}" for r in reports) + f"{'CI floor':>10}"
    lines = [head, "-" * len(head)]
    for label, get, fmt in SUMMARY_ROWS:
        floor = floors.get(keys.get(label, ""))
        lines.append(
            f"{label:<22}"
            + "".join(f"{fmt.format(get(r)):>{width}}" for r in reports)
            + (f"{floor:>10.3f}" if floor is not None else "")
        )
    lines.append(f"{'layanan false pos.':<22}" + "".join(f"{r.layanan_false_positives:>{width}d}" for r in reports))
    return "\n".join(lines)


def per_intent(reports: list[Report]) -> str:
    """F1 per gold intent (rows, worst of the first variant first), one column per variant."""
    if not reports:
        return ""
    first = reports[0].per_intent_f1
    intents = sorted(first, key=lambda i: (first[i][1], i))
    width = max(14, *(len(r.name) + 2 for r in reports))
    head = f"{'intent':<22}{'n':>5}" + "".join(f"{r.name:>{width}}" for r in reports)
    lines = [head, "-" * len(head)]
    for intent in intents:
        cells = "".join(f"{r.per_intent_f1.get(intent, (0, 0.0))[1]:>{width}.3f}" for r in reports)
        lines.append(f"{intent:<22}{first[intent][0]:>5d}{cells}")
    return "\n".join(lines)


def confusions(report: Report, top: int = 10) -> str:
    return "\n".join(f"  {gold} -> {pred or '(none)'}: {n}" for gold, pred, n in report.confusions[:top])


def markdown(results: dict[str, list[Report]]) -> str:
    """One README row per set and variant: intent accuracy / macro-F1, entity F1, parse time."""
    lines = [
        "| set | variant | intent accuracy | macro-F1 | `layanan` F1 | `jenis` F1 | parse ms median / p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for set_name, reports in results.items():
        for r in reports:
            lines.append(
                f"| {set_name} ({r.n}) | {r.name} | {r.intent_accuracy:.3f} | {r.macro_f1:.3f} | "
                f"{r.layanan_f1:.3f} | {r.jenis_f1:.3f} | {median_ms(r):.1f} / {percentile(r.parse_ms, 95):.1f} |"
            )
    return "\n".join(lines)
