"""An adaptive simulated citizen that plays the multi-turn booking evaluation against the running assistant.

The set (``tests/e2e/conversations/booking_repair.yml``, format in its README) says how each citizen
answers each detail and what they say instead at given steps. The runner never guesses the step
from the reply text: after every turn it reads the tracker through Rasa's HTTP API — the active
form and its ``requested_slot``, and the pending yes/no question (``konfirmasi``) — and answers
what is asked. A reply or event whose text is a button title of the last answer presses that
button (its payload is sent). A conversation is completed correctly when the core database ends
as ``expect`` says: one active booking of this sender with that service, MPP, date and time, or
none (``not_booked``).

Used by ``benchmarks/booking_repair.py`` (figures and transcripts) and by the end-to-end test that
holds the share at 95% or more. Rasa must run with ``--enable-api`` and a token
(``testkit.stack.start_stack(api_token=...)``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from mpp.catalogue.yaml_io import read_yaml
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine

CONVERSATIONS = PROJECT_ROOT / "tests" / "e2e" / "conversations" / "booking_repair.yml"
FIXED_NOW = "2026-11-27T10:00:00+07:00"  # the set's clock (its README)
FORMS = ("form_pesan_antrean", "form_ubah_jadwal")
# The form slot being asked for -> the set's step. The summary ("Sudah benar?") is the booking form's
# last question, and the question "what should change?" after a "tidak" belongs to it too.
STEP_OF_SLOT = {
    "pesan_layanan": "ask_layanan",
    "pesan_mpp": "ask_mpp",
    "pesan_tanggal": "ask_tanggal",
    "pesan_waktu": "ask_waktu",
    "pesan_nama": "ask_nama",
    "pesan_nik": "ask_nik",
    "pesan_telepon": "ask_telepon",
    "pesan_konfirmasi": "summary",
    "pesan_ubah": "summary",
}
# A pending yes/no question (the konfirmasi slot's "op") that the set answers with `konfirmasi`.
CONFIRMED_OPS = {"pesan", "ubah"}
REPLY_OF_STEP = {step: step.removeprefix("ask_") for step in STEP_OF_SLOT.values() if step.startswith("ask_")}
REPLY_OF_STEP["summary"] = "konfirmasi"
MAX_TURNS = 30  # a conversation of the set needs at most ~15; past this the assistant is going round in circles
MAX_SAME_ANSWER = 4  # the same words sent for the same step this often: stuck


@dataclass(frozen=True)
class Event:
    at: str
    say: str


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str
    opening: str
    replies: dict[str, str]
    events: tuple[Event, ...]
    expect: dict[str, str]


def load_conversations(path: Path = CONVERSATIONS) -> list[Conversation]:
    data = read_yaml(path)
    return [
        Conversation(
            str(c["id"]),
            str(c["kind"]),
            str(c["opening"]),
            {k: str(v) for k, v in c["replies"].items()},
            tuple(Event(str(e["at"]), str(e["say"])) for e in c.get("events") or []),
            {k: str(v) for k, v in c["expect"].items()},
        )
        for c in data
    ]


@dataclass
class Turn:
    step: str | None  # what the assistant was asking when the citizen spoke (None: the opening, a move)
    said: str  # the citizen's words (or the pressed button's title)
    sent: str  # what went to Rasa: the words, or the button's payload
    answer: str  # the assistant's texts, buttons as [title]


@dataclass
class Result:
    conversation: Conversation
    passed: bool
    found: list[dict[str, str]]  # the sender's active bookings at the end
    why: str
    turns: list[Turn] = field(default_factory=list)

    def transcript(self) -> str:
        lines = [f"{self.conversation.id} ({self.conversation.kind}): {self.why}"]
        for t in self.turns:
            pressed = f"  [button {t.sent}]" if t.sent != t.said else ""
            lines.append(f"  citizen{f' @{t.step}' if t.step else ''}: {t.said}{pressed}")
            lines.extend(f"    bot: {line}" for line in t.answer.splitlines() if line.strip())
        return "\n".join(lines)


def step_of(tracker: dict[str, Any]) -> str | None:
    """What the assistant is asking for now, read from the tracker; None when it asks for nothing."""
    slots = tracker.get("slots") or {}
    loop = (tracker.get("active_loop") or {}).get("name")
    if loop in FORMS and slots.get("requested_slot") in STEP_OF_SLOT:
        return STEP_OF_SLOT[slots["requested_slot"]]
    if loop:
        return None  # another form (e.g. the code look-up): not part of booking
    try:
        pending = json.loads(slots.get("konfirmasi") or "null")
    except ValueError:
        pending = None
    if isinstance(pending, dict) and pending.get("op") in CONFIRMED_OPS:
        return "summary"
    return None


def render(messages: list[dict[str, Any]]) -> str:
    lines = []
    for m in messages:
        if m.get("text"):
            lines.append(m["text"])
        if m.get("buttons"):
            lines.append(" ".join(f"[{b.get('title')}]" for b in m["buttons"]))
        if m.get("custom"):
            lines.append(f"<{(m['custom'] or {}).get('type', 'custom')}>")
    return "\n".join(lines)


def press(words: str, messages: list[dict[str, Any]]) -> str:
    """The payload of the button titled ``words`` in the last answer, else the words themselves."""
    wanted = " ".join(words.split()).casefold()
    for m in messages:
        for button in m.get("buttons") or []:
            if " ".join(str(button.get("title", "")).split()).casefold() == wanted:
                return str(button["payload"])
    return words


class Citizen:
    """Talks to one running assistant: REST channel for turns, HTTP API for trackers, core DB for outcomes."""

    def __init__(self, url: str, api_token: str, db_url: str) -> None:
        self.url, self.api_token = url.rstrip("/"), api_token
        self.engine = make_engine(db_url)
        self._local = threading.local()  # one HTTP session per thread (play_all with workers)

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = self.http.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self.http.get(
            f"{self.url}/conversations/{quote(sender, safe=':')}/tracker",
            params={"token": self.api_token, "include_events": "NONE"},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def bookings(self, sender: str) -> list[dict[str, str]]:
        return active_bookings(self.engine, sender)

    def play(self, conversation: Conversation) -> Result:
        sender = f"console:eval-{conversation.id}-{uuid.uuid4().hex[:8]}"
        events = list(conversation.events)
        turns: list[Turn] = []
        answered: Counter[tuple[str | None, str]] = Counter()

        def speak(step: str | None, words: str, last: list[dict[str, Any]]) -> list[dict[str, Any]]:
            sent = press(words, last)
            messages = self.say(sender, sent)
            turns.append(Turn(step, words, sent, render(messages)))
            answered[(step, words)] += 1
            return messages

        last = speak(None, conversation.opening, [])
        why = ""
        while True:
            if len(turns) >= MAX_TURNS:
                why = f"still asking after {MAX_TURNS} turns"
                break
            step = step_of(self.tracker(sender))
            booked = self.bookings(sender)
            if step is None:
                if booked and events and events[0].at == "after_booking":
                    last = speak(None, events.pop(0).say, last)
                    continue
                break  # the assistant asks for nothing more
            if events and events[0].at == step:
                words = events.pop(0).say
            else:
                words = conversation.replies[REPLY_OF_STEP[step]]
            if answered[(step, words)] >= MAX_SAME_ANSWER:
                why = f"asked {step} again and again"
                break
            last = speak(step, words, last)
        found = self.bookings(sender)
        passed, verdict = judge(conversation.expect, found)
        unfired = [f"{e.at}: {e.say}" for e in events]
        if not passed and unfired:
            verdict += f"; never reached: {unfired}"
        return Result(conversation, passed, found, why or verdict, turns)


def active_bookings(engine: Engine, sender: str) -> list[dict[str, str]]:
    """The sender's active bookings in the core database: service, MPP, date and time."""
    query = sql(
        "SELECT service_code, mpp_code, day, start FROM booking WHERE chat_id = :chat AND status = 'active' ORDER BY id"
    )
    with engine.connect() as conn:
        rows = conn.execute(query, {"chat": sender}).all()
    return [{"layanan": r[0], "mpp": r[1], "date": str(r[2])[:10], "time": str(r[3])[:5]} for r in rows]


def judge(expect: dict[str, str], found: list[dict[str, str]]) -> tuple[bool, str]:
    if expect["outcome"] == "not_booked":
        return (not found), ("not booked, as expected" if not found else f"booked {found}, expected none")
    wanted = {k: expect[k] for k in ("layanan", "mpp", "date", "time")}
    if found == [wanted]:
        return True, "booked as expected"
    return False, f"expected {wanted}, found {found or 'no booking'}"


@dataclass
class Score:
    results: list[Result]

    @property
    def share(self) -> float:
        return sum(r.passed for r in self.results) / len(self.results) if self.results else 0.0

    def per_kind(self) -> dict[str, tuple[int, int]]:
        kinds: dict[str, tuple[int, int]] = {}
        for r in self.results:
            done, total = kinds.get(r.conversation.kind, (0, 0))
            kinds[r.conversation.kind] = (done + r.passed, total + 1)
        return kinds

    def report(self, transcripts: bool = True) -> str:
        lines = [f"{'kind':<24} passed / n"]
        for kind, (done, total) in sorted(self.per_kind().items()):
            lines.append(f"{kind:<24} {done:>6} / {total}")
        passed = sum(r.passed for r in self.results)
        lines.append(f"{'all':<24} {passed:>6} / {len(self.results)}  = {self.share:.1%} completed correctly")
        failures = [r for r in self.results if not r.passed]
        if failures and transcripts:
            lines.append("\nFailures:")
            lines.extend(f"\n{r.transcript()}" for r in failures)
        return "\n".join(lines)


def play_all(citizen: Citizen, conversations: list[Conversation], workers: int = 1) -> Score:
    """Every conversation with a fresh sender; with ``workers`` > 1, that many at a time."""
    if workers <= 1:
        return Score([citizen.play(c) for c in conversations])
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return Score(list(pool.map(citizen.play, conversations)))
