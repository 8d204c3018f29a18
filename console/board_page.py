"""The hall's display board page: a 1080p TV ten metres away, fed by server-sent events.

The page is a shell; ``console/static/board.js`` draws the state each event carries (every
counter's number, the last calls, who waits per service, the announcements), keeps the clock,
reconnects by itself with backoff, and speaks each new call (see ``console.board_voice``).
Script and style are our own static files (no CDN); the page's policy allows nothing else.
"""

from __future__ import annotations

from html import escape as e
from pathlib import Path

from aiohttp import web

from mpp.catalogue.model import Mpp

STATIC = Path(__file__).parent / "static"
POLICY = "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; frame-ancestors 'none'"


def board_page(mpp: Mpp, heartbeat_seconds: float) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Layar antrean {e(mpp.name)}</title>"
        '<link rel="stylesheet" href="/board/static/board.css"></head>'
        f'<body class="hall" data-mpp="{e(mpp.code)}" data-tz="{e(mpp.timezone)}" data-heartbeat="{heartbeat_seconds:g}">'
        '<header class="top"><div class="brand"><h1>'
        f"{e(mpp.brand or mpp.name)}</h1><p>Mal Pelayanan Publik · {e(mpp.city)}</p></div>"
        '<div id="reconnecting" class="badge" role="status" hidden>menyambung ulang…</div>'
        '<div class="when"><div id="time" class="time">--.--</div><div id="date" class="date"></div></div></header>'
        '<main class="hallgrid">'
        '<section class="counters" aria-label="Loket"><div id="tiles" class="tiles" aria-live="off"></div></section>'
        '<aside class="side">'
        '<section id="now" class="now" aria-live="assertive"><h2>Panggilan</h2>'
        '<div id="now-number" class="now-number">—</div><div id="now-counter" class="now-counter"></div></section>'
        '<section class="recent"><h2>Panggilan terakhir</h2><ol id="recent" aria-label="Panggilan terakhir"></ol></section>'
        '<section class="waiting"><h2>Menunggu <span id="waiting-total"></span><span id="waiting-page" class="page"></span></h2>'
        '<table id="waiting" aria-label="Menunggu per layanan"></table></section>'
        "</aside></main>"
        '<footer class="ticker" aria-label="Pengumuman"><div class="ticker-label">INFO</div>'
        '<div class="ticker-window"><div id="ticker" class="ticker-text"></div></div></footer>'
        '<button id="sound" class="sound" hidden>Ketuk untuk mengaktifkan suara panggilan</button>'
        '<script src="/board/static/board.js"></script></body></html>'
    )


def response(mpp: Mpp, heartbeat_seconds: float) -> web.Response:
    page = web.Response(text=board_page(mpp, heartbeat_seconds), content_type="text/html")
    page.headers["Content-Security-Policy"] = POLICY
    return page


def add_static(app: web.Application) -> None:
    """Before ``/board/{mpp}``: the board's script and style, public like the board itself."""
    app.router.add_static("/board/static", STATIC, append_version=False)
