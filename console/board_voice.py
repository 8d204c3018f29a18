"""Spoken calls made on this machine by an offline speech engine (espeak-ng, Debian package ``espeak-ng``).

The board speaks with the browser's own Indonesian voice when it has one; otherwise it asks
``GET /board/{mpp}/suara?nomor=A-001&loket=2`` for a WAV clip made here. The text is built from
the number and the counter (``mpp.queue.hall.spoken_call``), never taken from the request; only
a number the boards' poll saw called to that counter today is spoken (no extra query), and clips
are cached per text (a bounded LRU), so a call is synthesised once however many screens ask. At most ``WORKERS`` engines run at a time. Without
espeak-ng the route answers 503 and the board plays its chime alone.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections import OrderedDict
from collections.abc import Collection

from aiohttp import web

from mpp.catalogue.model import Catalogue
from mpp.queue.hall import spoken_call, valid_call

logger = logging.getLogger("console.board")
VOICE = "id"  # espeak-ng's Indonesian voice
SPEED = 140  # words per minute: slower than the default 175, for a hall with an echo
WORKERS = 2
CACHED = 200  # clips kept (about 150 KB each)
TIMEOUT = 10.0


class VoiceUnavailable(RuntimeError):
    pass


class OfflineVoice:
    def __init__(self, engine: str | None = None, cached: int = CACHED):
        self.engine = engine if engine is not None else shutil.which("espeak-ng")
        self._clips: OrderedDict[str, bytes] = OrderedDict()
        self._cached = cached
        self._running: dict[str, asyncio.Future[bytes]] = {}
        self._slots = asyncio.Semaphore(WORKERS)
        self.synthesised = 0  # clips made (tests: a second screen asking is served from the cache)

    async def clip(self, text: str) -> bytes:
        """A WAV clip of ``text`` in Indonesian; VoiceUnavailable when the engine is missing or fails."""
        if text in self._clips:
            self._clips.move_to_end(text)
            return self._clips[text]
        if text in self._running:  # another screen asked for the same call a moment ago
            return await asyncio.shield(self._running[text])
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._running[text] = future
        try:
            wav = await self._synthesise(text)
        except BaseException as exc:
            future.set_exception(exc if isinstance(exc, VoiceUnavailable) else VoiceUnavailable(str(exc)))
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        else:
            future.set_result(wav)
            self._clips[text] = wav
            while len(self._clips) > self._cached:
                self._clips.popitem(last=False)
            return wav
        finally:
            del self._running[text]

    async def _synthesise(self, text: str) -> bytes:
        if not self.engine:
            raise VoiceUnavailable("espeak-ng is not installed (apt-get install -y espeak-ng)")
        async with self._slots:
            process = await asyncio.create_subprocess_exec(
                self.engine,
                "-v",
                VOICE,
                "-s",
                str(SPEED),
                "--stdout",
                text,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
                raise VoiceUnavailable(f"espeak-ng took more than {TIMEOUT:.0f} s") from None
        if process.returncode != 0 or not out.startswith(b"RIFF"):
            raise VoiceUnavailable(f"espeak-ng failed ({process.returncode}): {err.decode(errors='replace')[:200]}")
        self.synthesised += 1
        return out


async def speech_response(
    voice: OfflineVoice, catalogue: Catalogue, called: Collection[tuple[str, str]], request: web.Request
) -> web.Response:
    """The clip of a call made today at a counter of this MPP (``called``: what the boards' poll saw)."""
    mpp = catalogue.mpp(request.match_info["mpp"])
    number, counter = request.query.get("nomor", "")[:16], request.query.get("loket", "")[:16]
    if mpp is None:
        raise web.HTTPNotFound(text="MPP tidak dikenal.")
    if not valid_call(number, counter) or counter not in mpp.counters:
        raise web.HTTPBadRequest(text="Nomor antrean atau loket tidak sah (contoh: nomor=A-001&loket=2).")
    if (number, counter) not in called:
        raise web.HTTPNotFound(text="Nomor itu belum dipanggil ke loket itu hari ini.")
    try:
        wav = await voice.clip(spoken_call(number, counter))
    except VoiceUnavailable as exc:
        logger.warning("spoken call not available, the board plays its chime alone: %s", exc)
        raise web.HTTPServiceUnavailable(text="Suara panggilan tidak tersedia di server ini.") from None
    return web.Response(
        body=wav,
        content_type="audio/wav",
        headers={"Cache-Control": "public, max-age=86400", "Content-Language": "id"},
    )
