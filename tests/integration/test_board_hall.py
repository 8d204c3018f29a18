"""The hall board over HTTP: its events carry the whole hall, and a call is spoken by the offline engine.

The clip test measures what a listener would notice: a WAV of a few seconds, loud enough (RMS)
and not clipped silence, made with espeak-ng's Indonesian voice. Run with ``-s`` for the figures.
"""

from __future__ import annotations

import array
import asyncio
import io
import json
import math
import shutil
import subprocess
import wave

import httpx

from console.board_voice import VOICE, OfflineVoice
from mpp.queue.service import Staff
from tests.conftest import unavailable
from tests.console_harness import running_console


def espeak() -> str:
    engine = shutil.which("espeak-ng")
    if engine is None:
        unavailable("espeak-ng is not installed; install it with: apt-get install -y espeak-ng")
    return engine


def measure(clip: bytes) -> tuple[float, float, int]:
    """(seconds, RMS as a fraction of full scale, sample rate) of a 16-bit mono WAV."""
    with wave.open(io.BytesIO(clip)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    samples = array.array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    return len(samples) / rate, rms, rate


async def first_state(client: httpx.AsyncClient, path: str) -> dict:  # type: ignore[type-arg]
    async with client.stream("GET", path) as events:
        event = "message"
        async for line in events.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "message":  # not the clock's ping
                return json.loads(line[5:])
            elif not line:
                event = "message"
    raise AssertionError("no state")


async def test_a_call_is_a_clip_of_indonesian_speech_made_once(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    engine = espeak()
    voices = subprocess.run([engine, f"--voices={VOICE}"], capture_output=True, text=True, check=True).stdout
    assert "Indonesian" in voices  # the voice the clips are made with is espeak-ng's Indonesian one
    async with running_console(sqlite_url, demo) as site, httpx.AsyncClient(base_url=site.base) as client:
        url = "/board/kota_bogor/suara?nomor=A-001&loket=2"
        site.queue.issue_walk_in("kota_bogor", "kk")
        assert (await client.get(url)).status_code == 404  # not called yet: nothing to say
        site.queue.call_next(Staff(1, "kota_bogor", "disdukcapil", "2"))
        await first_state(client, "/board/kota_bogor/events")  # a board watching has seen the call
        answers = await asyncio.gather(*(client.get(url) for _ in range(5)))  # five screens hear the same call
        for answer in answers:
            assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
            assert answer.headers["content-language"] == "id"
        assert len({a.content for a in answers}) == 1
        assert site.console.voice.synthesised == 1  # made once, then served from the cache
        seconds, rms, rate = measure(answers[0].content)
        elsewhere = await client.get("/board/kota_bogor/suara?nomor=A-001&loket=3")
        assert elsewhere.status_code == 404  # called, but to counter 2
        assert (await client.get("/board/kota_bogor/suara?nomor=A-777&loket=2")).status_code == 404
        silent = await client.get("/board/kota_bogor/suara?nomor=A-001&loket=99")
        assert silent.status_code == 400 and "loket" in silent.text  # not one of this MPP's counters
        assert (await client.get("/board/kota_bogor/suara?nomor=;reboot&loket=2")).status_code == 400
        assert (await client.get("/board/atlantis/suara?nomor=A-001&loket=2")).status_code == 404
    print(f"\nspoken call 'Nomor antrean, a satu. Silakan ke loket dua.': {seconds:.2f} s, RMS {rms:.3f}, {rate} Hz")
    assert 2.0 < seconds < 8.0  # the whole sentence, at a pace a hall can follow
    assert rms > 0.02  # speech, not silence


async def test_without_the_engine_the_board_is_told_to_chime_alone(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo) as site, httpx.AsyncClient(base_url=site.base) as client:
        site.console.voice = OfflineVoice(engine="")
        site.console.called["kota_bogor"] = frozenset({("A-001", "2")})
        answer = await client.get("/board/kota_bogor/suara?nomor=A-001&loket=2")
        assert answer.status_code == 503 and "tidak tersedia" in answer.text


async def test_each_event_carries_the_whole_hall(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_console(db_url, demo) as site, httpx.AsyncClient(base_url=site.base, timeout=10) as client:
        for service in ("kk", "kk", "ktp_el", "skck", "skck", "skck"):
            site.queue.issue_walk_in("kota_bogor", service)
        site.queue.call_next(Staff(1, "kota_bogor", "disdukcapil", "2"))
        admin, csrf = await site.login("admin.bogor")
        notice = {"csrf": csrf, "mpp": "kota_bogor", "kind": "info", "starts_on": "2026-12-01", "ends_on": "2026-12-01"}
        posted = await admin.post(
            "/pengumuman", data={**notice, "text": "Loket Samsat buka sampai pukul 14.00 hari ini."}
        )
        assert posted.status_code == 303
        await admin.aclose()
        state = await first_state(client, "/board/kota_bogor/events")
        page = await client.get("/board/kota_bogor")
        script = await client.get("/board/static/board.js")
    counters = {c["counter"]: c["number"] for c in state["counters"]}
    assert len(counters) == len(demo.catalogue.mpps["kota_bogor"].counters)
    called = state["calls"][0]
    assert counters["2"] == called["number"] and called["caption"].endswith("silakan ke loket 2")
    waiting = {w["service"]: w["count"] for w in state["waiting"]}
    assert waiting[demo.catalogue.services["skck"].name] == 3
    assert state["waiting_total"] == 5  # six issued, one called
    assert state["announcements"] == ["Loket Samsat buka sampai pukul 14.00 hari ini."]
    assert "default-src 'self'" in page.headers["content-security-policy"]  # nothing from a CDN can load
    assert 'src="/board/static/board.js"' in page.text and script.status_code == 200
