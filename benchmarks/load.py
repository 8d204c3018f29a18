"""Simulated citizens for the benchmark suite: mixed traffic through the REST channel.

Three kinds of visit, as at a real MPP: a colloquial question (held-out utterances from
tests/nlu/regression.yml, never training data), a whole booking conversation (book,
check, cancel: eight turns, each with its own NIK), and a queue check. A fifth of the
senders carry 200+ earlier turns before the clock starts.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from dataclasses import dataclass, field

import httpx

from testkit.nlu_eval import load_examples

FAQ_INTENTS = {
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lama_proses",
    "tanya_lokasi",
    "daftar_layanan",
    "sapa",
    "terima_kasih",
    "bantuan",
}
FIXED_NOW = "2026-11-27T10:00:00+07:00"  # a Friday: the booking dates below are open weekdays after it
DAYS = (1, 2, 3, 4, 7, 8, 9, 10, 11)  # December 2026
HOURS = (8, 9, 10, 13, 14)  # 12.00 is the lunch break (Friday 11.30-12.30): the assistant offers other times
PLACES = (("bogor", "kk"), ("bekasi", "ktp"), ("tangsel", "akta kelahiran"), ("bogor", "akta kelahiran"))
_niks = itertools.count(1)


def nik(i: int) -> str:
    """A valid, unique NIK for each booking (Kota Bogor, men born in 1990)."""
    return f"3271{(i // 28 // 9999) % 90 + 10:02d}{i % 28 + 1:02d}0890{(i // 28) % 9999 + 1:04d}"


def faq_texts() -> list[str]:
    return [e.text for e in load_examples() if e.intent in FAQ_INTENTS]


def booking_turns(rng: random.Random) -> list[tuple[str, str]]:
    mpp, service = rng.choice(PLACES)
    day, hour = rng.choice(DAYS), rng.choice(HOURS)
    return [
        (f"mau antri {service} tanggal {day} desember jam {hour} di mpp {mpp}", ""),
        ("Rina Marlina", "NIK"),
        (nik(next(_niks)), ""),
        ("lewati", ""),
        ("ya", "berhasil dipesan"),
        ("antrean saya gimana", ""),
        ("batalin antrean saya", ""),
        ("ya", "dibatalkan"),
    ]


@dataclass
class Turn:
    kind: str  # faq | booking | queue
    seconds: float
    long_sender: bool
    ok: bool


@dataclass
class Load:
    url: str
    token: str
    faq: list[str]
    turns: list[Turn] = field(default_factory=list)
    booked: int = 0
    errors: int = 0

    async def say(self, client: httpx.AsyncClient, sender: str, text: str) -> tuple[str, float]:
        started = time.perf_counter()
        try:
            response = await client.post(
                f"{self.url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                headers={"X-Gateway-Token": self.token},
            )
            response.raise_for_status()
            reply = "\n".join(m.get("text") or "" for m in response.json())
        except (httpx.HTTPError, ValueError):
            self.errors += 1
            reply = ""
        return reply, time.perf_counter() - started

    async def visit(self, client: httpx.AsyncClient, sender: str, long_sender: bool, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.6:
            reply, seconds = await self.say(client, sender, rng.choice(self.faq))
            self.turns.append(Turn("faq", seconds, long_sender, bool(reply)))
        elif roll < 0.8:
            for text, expect in booking_turns(rng):
                reply, seconds = await self.say(client, sender, text)
                ok = bool(reply) and expect in reply
                self.turns.append(Turn("booking", seconds, long_sender, ok))
                self.booked += expect == "berhasil dipesan" and ok
        else:
            reply, seconds = await self.say(client, sender, rng.choice(("cek antrean saya", "nomor antrean sy brp")))
            self.turns.append(Turn("queue", seconds, long_sender, bool(reply)))

    async def preload(self, senders: list[str], turns: int, concurrency: int) -> None:
        """Give these senders a long history before anything is measured."""
        jobs = [(s, self.faq[(i * 7 + j) % len(self.faq)]) for j in range(turns) for i, s in enumerate(senders)]
        queue: asyncio.Queue = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def work(client: httpx.AsyncClient) -> None:
            while not queue.empty():
                sender, text = queue.get_nowait()
                await self.say(client, sender, text)

        async with httpx.AsyncClient(timeout=120) as client:
            await asyncio.gather(*(work(client) for _ in range(concurrency)))
        self.errors = 0

    async def run(self, senders: list[str], long_senders: set[str], seconds: float, seed: int = 1) -> float:
        """Every sender visits again and again (no think time) for `seconds`; returns the elapsed time."""
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()

        async def citizen(client: httpx.AsyncClient, sender: str, rng: random.Random) -> None:
            while time.perf_counter() < deadline:
                await self.visit(client, sender, sender in long_senders, rng)

        limits = httpx.Limits(max_connections=len(senders) + 4)
        async with httpx.AsyncClient(timeout=120, limits=limits) as client:
            await asyncio.gather(*(citizen(client, s, random.Random(seed * 1000 + i)) for i, s in enumerate(senders)))
        return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
