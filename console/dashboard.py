"""Dashboard routes: the MPP's figures as tiles, charts and CSV files (``VIEW_DASHBOARD``).

An MPP administrator or supervisor sees their MPP only (``mpp.dashboard.filters.filters_for``
forces it, whatever the address asks); a national administrator chooses any MPP or all. The
figures come from ``mpp.dashboard.queries``; this module only lays them out. Each chart has a CSV
download made from the same ``Table`` the chart is drawn from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from console import dashboard_pages as dp
from console.pages import refused_page
from console.web import ConsoleBase
from mpp.booking.model import Policy
from mpp.dashboard import queries as q
from mpp.dashboard.filters import BadFilter, Filters, agencies, filters_for
from mpp.dashboard.simulate import has_simulated
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission, Refused, StaffMember, can, mpp_scope
from mpp.storage import Unavailable

STATIC = Path(__file__).parent / "static"
MINUTES = "menit"


def add_routes(app: web.Application, console: ConsoleBase, policy: Policy | None = None) -> None:
    routes = DashboardRoutes(console, policy or Policy())
    app.router.add_get("/dasbor", routes.summary)
    app.router.add_get("/dasbor/instansi", routes.by_agency)
    app.router.add_get("/dasbor/jam", routes.hours)
    app.router.add_get("/dasbor/pesan", routes.messages)
    app.router.add_get("/dasbor/csv/{chart}", routes.csv)
    app.router.add_static("/static/", STATIC, follow_symlinks=False, append_version=False)


def links(member: StaffMember) -> list[tuple[str, str]]:
    return [("Dasbor kinerja MPP (grafik, unduh CSV)", "/dasbor")] if can(member, Permission.VIEW_DASHBOARD) else []


def _trend_charts(figures: q.QueueFigures) -> list[dp.Chart]:
    rows = [r.as_dict() for r in figures.series]
    return [
        dp.Chart(
            "tiket",
            "Tiket: booking dan walk-in",
            dp.Table([("label", "Periode"), ("booked", "Booking"), ("walk_in", "Walk-in")], rows),
            stacked=True,
        ),
        dp.Chart(
            "waktu",
            "Waktu tunggu dan layanan (menit)",
            dp.Table(
                [
                    ("label", "Periode"),
                    ("wait_p50", "Tunggu p50"),
                    ("wait_p90", "Tunggu p90"),
                    ("service_p50", "Layanan p50"),
                    ("service_p90", "Layanan p90"),
                ],
                rows,
            ),
            kind="line",
            unit=MINUTES,
        ),
        dp.Chart(
            "batal",
            "Tidak hadir, batal, pindah jadwal (booking)",
            dp.Table(
                [("label", "Periode"), ("no_shows", "Tidak hadir"), ("cancellations", "Batal"), ("moves", "Pindah")],
                rows,
            ),
        ),
    ]


def _agency_charts(figures: q.QueueFigures) -> list[dp.Chart]:
    rows = [r.as_dict() for r in figures.agencies]
    return [
        dp.Chart(
            "instansi-tiket",
            "Tiket per instansi",
            dp.Table([("label", "Instansi"), ("booked", "Booking"), ("walk_in", "Walk-in")], rows),
            stacked=True,
            horizontal=True,
        ),
        dp.Chart(
            "instansi-waktu",
            "Waktu tunggu per instansi (menit)",
            dp.Table([("label", "Instansi"), ("wait_p50", "Tunggu p50"), ("wait_p90", "Tunggu p90")], rows),
            horizontal=True,
            unit=MINUTES,
        ),
    ]


def _heat_table(heat: q.HeatMap) -> dp.Table:
    return dp.Table([("weekday", "Hari"), *((f"{h:02d}", f"{h:02d}") for h in heat.hours)], heat.as_rows())


def _channel_chart(channels: list[q.ChannelRow]) -> dp.Chart:
    return dp.Chart(
        "notifikasi",
        "Notifikasi per kanal",
        dp.Table(
            [("channel", "Kanal"), ("sent", "Terkirim"), ("failed", "Gagal"), ("pending", "Menunggu")],
            [c.as_dict() for c in channels],
        ),
        stacked=True,
        colours=("#6aa84f", "#cc0000", "#999999"),
    )


def _handoff_chart(handoffs: q.HandoffFigures) -> dp.Chart:
    rows = [{"minutes": m, "count": handoffs.response[m]} for m in sorted(handoffs.response)]
    return dp.Chart(
        "pengalihan",
        "Waktu sampai dijawab petugas (chat yang dialihkan)",
        dp.Table([("minutes", "Menit"), ("count", "Jumlah chat")], rows),
        unit="chat",
    )


class DashboardRoutes:
    def __init__(self, console: ConsoleBase, policy: Policy):
        self.c, self.policy = console, policy

    def _filters(self, request: web.Request) -> tuple[StaffSession, Filters, str | None]:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.VIEW_DASHBOARD)
        cat = self.c.catalogue()
        zone = dp_zone(cat, mpp_scope(staff.member))
        today = self.c.now().astimezone(ZoneInfo(zone)).date()
        args = request.query
        try:
            return (
                staff,
                filters_for(
                    staff.member,
                    cat,
                    today,
                    mpp=args.get("mpp"),
                    agency=args.get("instansi"),
                    start=args.get("dari"),
                    end=args.get("sampai"),
                    period=args.get("periode"),
                ),
                None,
            )
        except Refused as exc:
            raise web.HTTPForbidden(text=refused_page(str(exc)), content_type="text/html") from None
        except BadFilter as exc:
            return staff, filters_for(staff.member, cat, today), str(exc)

    async def _figures(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await asyncio.to_thread(self.c.db, fn, *args, write=False)
        except Unavailable:
            raise web.HTTPServiceUnavailable(
                text="Basis data sedang tidak bisa dihubungi. Coba lagi sebentar."
            ) from None

    def _render(
        self,
        request: web.Request,
        staff: StaffSession,
        f: Filters,
        error: str | None,
        title: str,
        content: str,
        demo: bool,
    ) -> web.Response:
        cat = self.c.catalogue()
        scope = mpp_scope(staff.member)
        mpps = {code: m.name for code, m in sorted(cat.mpps.items())}
        where = mpps.get(f.mpp, f.mpp) if f.mpp else "semua MPP"
        form = dp.filter_form(request.path, f, mpps, agencies(cat, f.mpp), scope)
        html = dp.page(title, request.path, staff.display_name, where or "", form, content, error=error, demo_rows=demo)
        return web.Response(text=html, content_type="text/html", status=400 if error else 200)

    def _queue(
        self, session: Any, f: Filters, per_period: bool = True, per_agency: bool = True
    ) -> tuple[q.QueueFigures, bool]:
        figures = q.queue_figures(
            session, self.c.catalogue(), f, self.c.now(), self.policy, per_period=per_period, per_agency=per_agency
        )
        return figures, has_simulated(session, f.mpp)

    async def summary(self, request: web.Request) -> web.Response:
        staff, f, error = self._filters(request)
        figures, demo = await self._figures(self._queue, f, True, False)
        t = figures.total.as_dict()
        content = dp.tiles(
            [
                ("tickets", "Tiket", t["tickets"]),
                ("booked", "Dari booking", t["booked"]),
                ("walk_in", "Walk-in", t["walk_in"]),
                ("wait_p50", "Tunggu p50 (menit)", t["wait_p50"]),
                ("wait_p90", "Tunggu p90 (menit)", t["wait_p90"]),
                ("service_p50", "Layanan p50 (menit)", t["service_p50"]),
                ("service_p90", "Layanan p90 (menit)", t["service_p90"]),
                ("no_shows", "Booking tidak hadir", t["no_shows"]),
                ("cancellations", "Booking batal", t["cancellations"]),
                ("moves", "Booking pindah", t["moves"]),
            ]
        )
        content += '<div class="charts">' + "".join(dp.chart_block(c, f) for c in _trend_charts(figures)) + "</div>"
        content += _ikm_block(await self._figures(q.survey_figures, self.c.catalogue(), f, self.c.now()), f.mpp)
        return self._render(request, staff, f, error, "Ringkasan", content, demo)

    async def by_agency(self, request: web.Request) -> web.Response:
        staff, f, error = self._filters(request)
        figures, demo = await self._figures(self._queue, f, False, True)
        charts = _agency_charts(figures)
        header = "<tr><th>Instansi</th><th>Tiket</th><th>Booking</th><th>Walk-in</th><th>Tunggu p50/p90</th><th>Layanan p50/p90</th><th>Tidak hadir</th><th>Batal</th></tr>"
        rows = "".join(
            f'<tr data-agency="{dp.e(r.key)}"><td>{dp.e(r.label)}</td><td>{d["tickets"]}</td><td>{d["booked"]}</td>'
            f"<td>{d['walk_in']}</td><td>{_pair(d['wait_p50'], d['wait_p90'])}</td>"
            f"<td>{_pair(d['service_p50'], d['service_p90'])}</td><td>{d['no_shows']}</td><td>{d['cancellations']}</td></tr>"
            for r in figures.agencies
            for d in [r.as_dict()]
        )
        content = '<div class="charts">' + "".join(dp.chart_block(c, f) for c in charts) + "</div>"
        content += f'<section style="margin:1rem"><table>{header}{rows}</table></section>'
        return self._render(request, staff, f, error, "Per instansi", content, demo)

    async def hours(self, request: web.Request) -> web.Response:
        staff, f, error = self._filters(request)
        heat = await self._figures(q.busiest_hours, self.c.catalogue(), f, self.c.now())
        content = (
            f'<section class="chart" style="margin:1rem" data-chart-id="jam"><h2><span>Tiket per hari dan jam '
            f'(jam setempat)</span><a href="/dasbor/csv/jam?{dp.e(f.query())}" download>Unduh CSV</a></h2>'
            f"{dp.heat_table(heat.hours, heat.as_rows())}</section>"
        )
        return self._render(request, staff, f, error, "Jam sibuk", content, False)

    async def messages(self, request: web.Request) -> web.Response:
        staff, f, error = self._filters(request)
        cat = self.c.catalogue()
        channels = await self._figures(q.notification_figures, cat, f, self.c.now())
        handoffs = await self._figures(q.handoff_figures, cat, f)
        h = handoffs.as_dict()
        content = dp.tiles(
            [
                *((f"sent_{c.channel}", f"Terkirim · {c.channel}", c.sent) for c in channels),
                *((f"failed_{c.channel}", f"Gagal · {c.channel}", c.failed) for c in channels),
                ("handoffs", "Chat dialihkan ke petugas", h["total"]),
                ("handoffs_answered", "Dijawab petugas", h["answered"]),
                ("response_p50", "Waktu jawab p50 (menit)", h["response_p50"]),
                ("response_p90", "Waktu jawab p90 (menit)", h["response_p90"]),
            ]
        )
        charts = [_channel_chart(channels), _handoff_chart(handoffs)]
        content += '<div class="charts">' + "".join(dp.chart_block(c, f) for c in charts) + "</div>"
        return self._render(request, staff, f, error, "Notifikasi & pengalihan", content, False)

    async def csv(self, request: web.Request) -> web.Response:
        _, f, error = self._filters(request)
        if error:
            raise web.HTTPBadRequest(text=error)
        name = request.match_info["chart"]
        cat = self.c.catalogue()
        table: dp.Table | None = None
        if name in ("tiket", "waktu", "batal", "instansi-tiket", "instansi-waktu"):
            figures, _ = await self._figures(self._queue, f)
            charts = {c.id: c for c in _trend_charts(figures) + _agency_charts(figures)}
            table = charts[name].table
        elif name == "jam":
            table = _heat_table(await self._figures(q.busiest_hours, cat, f, self.c.now()))
        elif name == "notifikasi":
            table = _channel_chart(await self._figures(q.notification_figures, cat, f, self.c.now())).table
        elif name == "pengalihan":
            table = _handoff_chart(await self._figures(q.handoff_figures, cat, f)).table
        if table is None:
            raise web.HTTPNotFound(text="Grafik tidak dikenal.")
        filename = f"dasbor-{name}-{f.mpp or 'semua'}-{f.start}-{f.end}.csv"
        return web.Response(
            text=table.csv(),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def dp_zone(cat: Any, mpp: str | None) -> str:
    m = cat.mpp(mpp)
    return m.timezone if m is not None else "Asia/Jakarta"


def _pair(a: Any, b: Any) -> str:
    return f"{'–' if a is None else a} / {'–' if b is None else b}"


def _ikm_block(survey: q.SurveyFigures | None, mpp: str | None = None) -> str:
    if survey is None:
        return (
            '<p class="note" data-figure="ikm">Indeks Kepuasan Masyarakat (IKM): belum ada data survei SKM '
            "untuk dihitung.</p>"
        )
    value = "–" if survey.ikm is None else f"{survey.ikm:.2f}"
    return (
        f'<div class="tiles"><div class="tile2" data-figure="ikm"><div class="v">{value}</div>'
        f'<div class="k">IKM ({dp.e(survey.category or "–")}, {survey.respondents} responden)</div></div>'
        f'<div class="tile2" data-figure="one_tap"><div class="v">{survey.one_tap}</div>'
        '<div class="k">nilai cepat (di luar IKM)</div></div>'
        f'<div class="tile2" data-figure="fallbacks"><div class="v">{survey.fallbacks}</div>'
        f'<div class="k">pesan tak terjawab ({"chat di MPP ini" if mpp else "semua MPP"})</div></div></div>'
        + (
            '<p class="note" data-figure="ikm_trend">Tren IKM per bulan: '
            + ", ".join(f"{dp.e(m)}: {'–' if v is None else f'{v:.2f}'}" for m, v in survey.trend)
            + "</p>"
            if survey.trend
            else ""
        )
    )
