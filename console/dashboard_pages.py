"""The dashboard's HTML: filters, figure tiles, charts (Chart.js, served from /static) and the heat map.

Every chart is drawn from a ``Table`` (columns and rows); the same table is the chart's CSV download,
so the picture and the file always hold the same numbers. The charts' data travel as JSON in
``<script type="application/json">`` blocks (escaped for HTML) read by ``/static/dashboard.js``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape as e
from typing import Any

from console.pages import layout
from mpp.dashboard.filters import PERIODS, Filters

PAGES = (
    ("/dasbor", "Ringkasan"),
    ("/dasbor/instansi", "Per instansi"),
    ("/dasbor/jam", "Jam sibuk"),
    ("/dasbor/pesan", "Notifikasi & pengalihan"),
)

DASH_CSS = """
nav.tabs{display:flex;gap:.5rem;flex-wrap:wrap;padding:.6rem 1rem;background:#fff;border-bottom:1px solid #dde}
nav.tabs a{padding:.35rem .8rem;border-radius:6px;text-decoration:none;color:#0b5394}
nav.tabs a.on{background:#0b5394;color:#fff}
form.filters{display:flex;gap:.8rem;flex-wrap:wrap;align-items:end;padding:.8rem 1rem;background:#fff;margin:1rem;border-radius:8px}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.8rem;padding:0 1rem}
.tile2{background:#fff;border-radius:8px;padding:.8rem;box-shadow:0 1px 3px #0002}
.tile2 .v{font-size:1.7rem;font-weight:700;color:#0b5394} .tile2 .k{font-size:.85rem;color:#4a5568}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1rem;padding:1rem}
.chart{background:#fff;border-radius:8px;padding:1rem;box-shadow:0 1px 3px #0002}
.chart h2{display:flex;justify-content:space-between;gap:1rem;font-size:1rem} .chart h2 a{font-size:.85rem;font-weight:400}
.chart .box{position:relative;height:300px}
table.heat td{text-align:center;min-width:2.4rem;font-variant-numeric:tabular-nums} table.heat th{text-align:center}
.note{color:#4a5568;font-size:.85rem;padding:0 1rem} .error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem 1rem;margin:1rem;border-radius:6px}
"""


@dataclass(frozen=True)
class Table:
    """A chart's numbers: ``columns`` are (key, header); the first column labels the x axis."""

    columns: Sequence[tuple[str, str]]
    rows: Sequence[Mapping[str, Any]]

    def csv(self) -> str:
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([key for key, _ in self.columns])
        for row in self.rows:
            writer.writerow(["" if row.get(key) is None else row.get(key) for key, _ in self.columns])
        return out.getvalue()


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    table: Table
    kind: str = "bar"  # bar | line
    stacked: bool = False
    horizontal: bool = False
    unit: str = ""
    colours: Sequence[str] = field(default_factory=lambda: ("#0b5394", "#e69138", "#6aa84f", "#cc0000"))

    def spec(self) -> dict[str, Any]:
        label_key = self.table.columns[0][0]
        return {
            "kind": self.kind,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "labels": [str(r.get(label_key)) for r in self.table.rows],
            "datasets": [
                {
                    "label": header,
                    "data": [r.get(key) for r in self.table.rows],
                    "color": self.colours[i % len(self.colours)],
                }
                for i, (key, header) in enumerate(self.table.columns[1:])
            ],
        }


def _json(data: Any) -> str:
    # Inside <script>: "</" and "<!--" must not appear; escaping "<", ">" and "&" keeps it inert.
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_block(chart: Chart, f: Filters) -> str:
    return (
        f'<section class="chart" data-chart-id="{e(chart.id)}"><h2><span>{e(chart.title)}</span>'
        f'<a href="/dasbor/csv/{e(chart.id)}?{e(f.query())}" download>Unduh CSV</a></h2>'
        f'<div class="box"><canvas data-chart="{e(chart.id)}" role="img" aria-label="{e(chart.title)}"></canvas></div>'
        f'<script type="application/json" id="chart-{e(chart.id)}">{_json(chart.spec())}</script></section>'
    )


def filter_form(
    path: str, f: Filters, mpps: Mapping[str, str], agencies: Mapping[str, str], fixed_mpp: str | None
) -> str:
    if fixed_mpp is not None:
        mpp_field = f'<label>MPP<input value="{e(mpps.get(fixed_mpp, fixed_mpp))}" disabled></label>'
    else:
        options = '<option value="">Semua MPP</option>' + "".join(
            f'<option value="{e(c)}"{" selected" if c == f.mpp else ""}>{e(n)}</option>' for c, n in mpps.items()
        )
        mpp_field = f'<label>MPP<select name="mpp">{options}</select></label>'
    agency_options = '<option value="">Semua instansi</option>' + "".join(
        f'<option value="{e(c)}"{" selected" if c == f.agency else ""}>{e(n)}</option>' for c, n in agencies.items()
    )
    periods = "".join(
        f'<option value="{k}"{" selected" if k == f.period else ""}>{e(v)}</option>' for k, v in PERIODS.items()
    )
    return (
        f'<form class="filters" method="get" action="{e(path)}">{mpp_field}'
        f'<label>Instansi<select name="instansi">{agency_options}</select></label>'
        f'<label>Dari<input type="date" name="dari" value="{f.start.isoformat()}"></label>'
        f'<label>Sampai<input type="date" name="sampai" value="{f.end.isoformat()}"></label>'
        f'<label>Periode<select name="periode">{periods}</select></label>'
        '<button type="submit">Terapkan</button></form>'
    )


def tiles(items: Sequence[tuple[str, str, Any]]) -> str:
    """(test id, label, value) → figure tiles; ``None`` shows as "–" (no data)."""
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="tile2" data-figure="{e(key)}"><div class="v">{"–" if value is None else e(str(value))}</div>'
            f'<div class="k">{e(label)}</div></div>'
            for key, label, value in items
        )
        + "</div>"
    )


def heat_table(hours: Sequence[int], rows: Sequence[Mapping[str, Any]]) -> str:
    peak = max([int(r[f"{h:02d}"]) for r in rows for h in hours] or [0]) or 1
    head = "".join(f"<th>{h:02d}</th>" for h in hours)
    body = ""
    for r in rows:
        cells = ""
        for h in hours:
            n = int(r[f"{h:02d}"])
            alpha = round(n / peak, 2)
            ink = "#fff" if alpha > 0.55 else "#1c2330"
            cells += f'<td style="background:rgba(11,83,148,{alpha});color:{ink}" data-cell="{e(r["weekday"])}-{h:02d}">{n}</td>'
        body += f"<tr><th>{e(r['weekday'])}</th>{cells}</tr>"
    return f'<table class="heat"><thead><tr><th>Hari \\ jam</th>{head}</tr></thead><tbody>{body}</tbody></table>'


def page(
    title: str,
    path: str,
    who: str,
    where: str,
    form: str,
    content: str,
    *,
    error: str | None = None,
    demo_rows: bool = False,
) -> str:
    nav = "".join(f'<a href="{p}"{" class=on" if p == path else ""}>{e(label)}</a>' for p, label in PAGES)
    demo = (
        '<p class="note">Termasuk data simulasi (<code>mpp demo simulate</code>), bukan layanan sungguhan.</p>'
        if demo_rows
        else ""
    )
    problem = f'<div class="error" role="alert">{e(error)}</div>' if error else ""
    body = (
        f"<style>{DASH_CSS}</style><header><h1>Dasbor · {e(where)}</h1><span>{e(who)}</span>"
        f'<a href="/" style="color:#fff">Menu</a></header><nav class="tabs">{nav}</nav>{problem}{form}{demo}'
        f'<div id="content"><h2 style="padding:0 1rem">{e(title)}</h2>{content}</div>'
        '<script src="/static/vendor/chartjs/chart.umd.js"></script><script src="/static/dashboard.js"></script>'
    )
    return layout(f"{title} — Dasbor MPP", body)
