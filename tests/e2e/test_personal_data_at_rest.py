"""No NIK, phone number or name at rest in clear, end to end, in the production shape.

Every process as deployed, in production mode (``MPP_ENV=production``): Rasa started by our
launcher with the Redis tracker store (ours, encrypted per conversation) and lock store, the action
server with its token, nginx between them, the gateway and the notifier from ``.venv-edge``, the
core on PostgreSQL and, separately, on SQLite. Citizens book over Telegram and WhatsApp (local
stubs of both APIs), typing their NIK in a sample of every class of spelling the property test
generates (Unicode spaces, spaced dashes, line breaks, other scripts' digits, dots, invisible
characters, mixed), their phone number in several forms, and their name. Then everything the
stack keeps is searched, for those and for every secret the processes were given (``tests/privacy_scan.py``): every file it wrote (logs, SQLite with its
WAL and shm, Redis's append-only file), every table, every key of every Redis db, and on
PostgreSQL ``pg_dump``, the table files and the WAL — before and after "hapus data saya".
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import requests
from aiohttp.test_utils import TestServer
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from mpp.config import PROJECT_ROOT
from mpp.db.booking_tables import BookingRow, PiiTokenRow
from mpp.db.engine import make_engine
from mpp.db.inbox_tables import ConversationKeyRow, InboundMessageRow
from mpp.privacy import mask_nik
from testkit.prod_stack import NGINX, ProdStack, start_prod_stack
from testkit.stack import free_port, load_demo_catalogue, wait_for
from testkit.stubs.graph_api import GraphStub, webhook_body
from testkit.stubs.telegram_api import TelegramStub
from tests.conftest import PG_ADMIN_URL, require, require_model, unavailable
from tests.privacy_scan import Needle, PostgresFiles, Scan, database_rows, redis_values

pytestmark = [pytest.mark.e2e]

FIXED_NOW = "2026-11-27T10:00:00+07:00"  # a Friday: "senin depan" is 30 November
TG_TOKEN = "123456789:AAH" + "k" * 32
TG_SECRET = "telegram-secret-token-for-the-privacy-test"
WA_TOKEN = "EAAG" + "w" * 40
WA_PHONE_ID = "1029384756"
WA_SECRET = "whatsapp-app-secret-for-the-privacy-test"
WA_VERIFY = "whatsapp-verify-token-for-the-privacy-test"
CANARY = "9999888877776666"  # planted in clear in every kind of place: proves the search finds things
EDGE_PYTHON = PROJECT_ROOT / ".venv-edge" / "bin" / "python"


# ---- what the citizens type ---------------------------------------------------------------------


def _groups(value: str, sizes: tuple[int, ...]) -> list[str]:
    out, at = [], 0
    for size in sizes:
        out.append(value[at : at + size])
        at += size
    return out


def _script(value: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) if d.isdigit() else d for d in value)


# One spelling of each class tests/unit/test_privacy_properties.py generates.
NIK_SPELLINGS = [
    ("no-break spaces", lambda n: "nik saya " + "\u00a0".join(_groups(n, (4, 4, 4, 4)))),
    ("ideographic and thin spaces", lambda n: "\u3000".join(_groups(n, (6, 6))) + "\u2009" + n[12:]),
    ("spaced en dashes", lambda n: " – ".join(_groups(n, (4, 4, 4, 4)))),
    ("spaced hyphen and minus sign", lambda n: f"{n[:6]} - {n[6:12]} \u2212 {n[12:]}"),
    ("line breaks", lambda n: "NIK:\n" + "\n".join(_groups(n, (4, 4, 4, 4))) + "\n"),
    ("CRLF and a line separator", lambda n: f"{n[:6]}\r\n{n[6:12]}\u2028{n[12:]}"),
    ("full-width digits", lambda n: _script(n, 0xFF10) + " ya"),
    ("Arabic-Indic digits, spaced", lambda n: " ".join(_script(g, 0x0660) for g in _groups(n, (4, 4, 4, 4)))),
    ("Devanagari digits", lambda n: _script(n, 0x0966)),
    ("mathematical bold digits", lambda n: _script(n, 0x1D7CE)),
    ("dots", lambda n: ".".join(_groups(n, (2, 2, 2, 6, 4)))),
    (
        "mixed: full-width, zero-width space, em dash, no-break space, soft hyphen, line break",
        lambda n: (
            _script(n[:4], 0xFF10) + "\u200b" + n[4:8] + " —\n" + n[8:12] + "\u00a0\u00ad" + _script(n[12:], 0xFF10)
        ),
    ),
]
PHONE_SPELLINGS = [
    lambda p: p,
    lambda p: f"+62 {p[1:4]}-{p[4:8]}-{p[8:]}",
    lambda p: f"{p[:4]} {p[4:8]} {p[8:]}",
    lambda p: f"{p[:4]}.{p[4:8]}.{p[8:]}",
    lambda p: _script(p, 0xFF10),
    lambda p: "62" + p[1:],
]
NAMES = [
    "Wulan Kusumawardhani",
    "Benny Prasetyaningrat",
    "Citra Lestyowatining",
    "Dimas Aryawigunanto",
    "Endah Sulistyaningsari",
    "Fajar Nugrahaningtyo",
    "Gita Puspitasaridewi",
    "Hendra Wirakusumahadi",
    "Indah Permatasariani",
    "Joko Susilowardoyono",
    "Kirana Anggraeniwatik",
    "Lukas Simanjuntakono",
]


@dataclass
class Citizen:
    index: int
    channel: str  # telegram | whatsapp
    name: str
    nik: str
    nik_class: str
    nik_typed: str
    phone: str
    phone_typed: str
    chat: int  # Telegram chat id
    wa_id: str  # WhatsApp number

    def needles(self) -> list[Needle]:
        needles = [
            Needle(f"NIK of citizen {self.index} ({self.nik_class})", self.nik, (self.nik_typed,)),
            # without its leading 0, the number matches 08…, 628… and +62 8… alike
            Needle(f"phone of citizen {self.index}", self.phone[1:], (self.phone_typed,)),
            Needle(f"name of citizen {self.index}", self.name, digits=False),
        ]
        if self.channel == "whatsapp":
            needles.append(Needle(f"WhatsApp number of citizen {self.index}", self.wa_id))
        return needles


def citizens(rng: random.Random) -> list[Citizen]:
    people = []
    for i, (nik_class, spell) in enumerate(NIK_SPELLINGS):
        day, month, year = rng.randint(1, 28) + (40 if i % 2 else 0), rng.randint(1, 12), rng.randint(60, 99)
        if nik_class == "dots":
            day = 8  # "….080381.5398": a group that looks like the start of a phone number
        nik = f"327104{day:02d}{month:02d}{year:02d}{rng.randint(1000, 9999)}"
        phone = f"0812{rng.randint(10_000_000, 99_999_999)}"
        people.append(
            Citizen(
                index=i,
                channel="telegram" if i % 2 == 0 else "whatsapp",
                name=NAMES[i],
                nik=nik,
                nik_class=nik_class,
                nik_typed=spell(nik),
                phone=phone,
                phone_typed=PHONE_SPELLINGS[i % len(PHONE_SPELLINGS)](phone),
                chat=rng.randint(100_000_000, 999_999_999),
                wa_id=f"628{rng.randint(10**9, 10**10 - 1)}",
            )
        )
    return people


# ---- the stack --------------------------------------------------------------------------------


@contextlib.contextmanager
def own_postgres_database() -> Iterator[str]:
    """A database of this test's own (its table files are searched, and nothing else writes to it)."""
    admin = make_url(PG_ADMIN_URL)
    require("PostgreSQL", admin.host or "127.0.0.1", admin.port or 5432)
    name = f"mpp_privacy_{uuid.uuid4().hex[:10]}"
    engine = make_engine(PG_ADMIN_URL)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="module", params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def prod(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStack]:
    require_model()
    if not Path(NGINX).exists():
        unavailable("nginx is not installed; install it with: apt-get install -y nginx")
    work = tmp_path_factory.mktemp(f"privacy-{request.param}")
    with contextlib.ExitStack() as cleanup:
        if request.param == "postgresql":
            db_url = cleanup.enter_context(own_postgres_database())
        else:
            db_url = f"sqlite:///{work / 'mpp.db'}"
        load_demo_catalogue(db_url)
        stack = start_prod_stack(
            work, db_url, workers=2, action_servers=1, extra_env={"MPP_ENV": "production", "MPP_NOW": FIXED_NOW}
        )
        cleanup.callback(stack.stop)
        yield stack


def _edge_env(stack: ProdStack, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MPP_", "TELEGRAM_", "WHATSAPP_", "RASA_", "REDIS_", "DATABASE_"))
    }
    env.update(
        MPP_ENV="production",
        DATABASE_URL=stack.db_url,
        MPP_PII_KEY=stack.keys.encryption.decode(),
        MPP_PII_HASH_KEY=stack.keys.hashing.decode(),
        RASA_URL=stack.url,
        RASA_REST_TOKEN=stack.rest_token,
        TELEGRAM_BOT_TOKEN=TG_TOKEN,
        TELEGRAM_SECRET_TOKEN=TG_SECRET,
        WHATSAPP_PHONE_NUMBER_ID=WA_PHONE_ID,
        WHATSAPP_ACCESS_TOKEN=WA_TOKEN,
        WHATSAPP_APP_SECRET=WA_SECRET,
        WHATSAPP_VERIFY_TOKEN=WA_VERIFY,
        **extra,
    )
    return env


@dataclass
class Edge:
    """The gateway and the notifier as processes, with the Telegram and Graph API stubs they talk to."""

    url: str
    telegram: TelegramStub
    graph: GraphStub
    http: httpx.AsyncClient
    db_url: str
    procs: list[subprocess.Popen] = field(default_factory=list)
    servers: list[TestServer] = field(default_factory=list)
    update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(random.randint(10**6, 10**7)))

    def status(self, channel: str, external_id: str) -> str | None:
        engine = make_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return conn.execute(
                    select(InboundMessageRow.status).where(
                        InboundMessageRow.channel == channel, InboundMessageRow.external_id == external_id
                    )
                ).scalar_one_or_none()
        finally:
            engine.dispose()

    async def processed(self, channel: str, external_id: str, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while (state := await asyncio.to_thread(self.status, channel, external_id)) not in ("done", "failed"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not processed in {timeout:.0f} s (status {state})")
            await asyncio.sleep(0.2)
        assert state == "done", f"{what}: the gateway gave up"

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        await self.http.aclose()
        for server in self.servers:
            await server.close()


async def start_edge(stack: ProdStack) -> Edge:
    telegram, graph = TelegramStub(token=TG_TOKEN), GraphStub(token=WA_TOKEN, phone_number_id=WA_PHONE_ID)
    servers = [TestServer(telegram.app()), TestServer(graph.app())]
    for server in servers:
        await server.start_server()
    port = free_port()
    python = str(EDGE_PYTHON if EDGE_PYTHON.exists() else Path(sys.executable))
    env = _edge_env(
        stack,
        TELEGRAM_API_BASE_URL=str(servers[0].make_url("/bot")),
        WHATSAPP_API_BASE_URL=str(servers[1].make_url("")).rstrip("/"),
        GATEWAY_HOST="127.0.0.1",
        GATEWAY_PORT=str(port),
        GATEWAY_WORKERS="6",
    )
    edge = Edge(f"http://127.0.0.1:{port}", telegram, graph, httpx.AsyncClient(timeout=30), stack.db_url)
    edge.servers = servers
    for name, module, more in (
        ("gateway", "bot.gateway", {}),
        ("notifier", "bot.notifier", {"REDIS_URL": f"redis://127.0.0.1:{stack.redis_port}/2"}),
    ):
        edge.procs.append(
            subprocess.Popen(
                [python, "-m", module],
                cwd=PROJECT_ROOT,
                env={**env, **more},
                stdout=(stack.work / f"{name}.log").open("a"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        await asyncio.to_thread(
            wait_for,
            lambda: requests.get(f"{edge.url}/healthcheck", timeout=2).ok,
            60,
            "gateway",
            [stack.work / "gateway.log"],
        )
    except BaseException:
        await edge.stop()
        raise
    return edge


# ---- a conversation over either channel -------------------------------------------------------


class Conversation:
    def __init__(self, edge: Edge, who: Citizen):
        self.edge, self.who = edge, who
        self.transcript: list[str] = []  # for failure messages

    def __str__(self) -> str:
        return f"citizen {self.who.index} ({self.who.channel}, {self.who.nik_class}):\n" + "\n".join(self.transcript)

    def _telegram_texts(self) -> list[str]:
        return [
            str(p.get("text") or p.get("caption") or "")
            for m, p in self.edge.telegram.calls
            if m.startswith("send") and str(p.get("chat_id")) == str(self.who.chat)
        ]

    def _whatsapp_texts(self) -> list[str]:
        out = []
        for call in self.edge.graph.to(self.who.wa_id):
            if call["type"] == "text":
                out.append(call["text"]["body"])
            elif call["type"] == "interactive":
                out.append(call["interactive"].get("body", {}).get("text", ""))
            else:
                out.append(json.dumps(call, ensure_ascii=False))
        return out

    def texts(self) -> list[str]:
        return self._telegram_texts() if self.who.channel == "telegram" else self._whatsapp_texts()

    def _profile(self) -> dict[str, Any]:
        first, last = self.who.name.split(" ", 1)
        return {"id": self.who.chat, "is_bot": False, "first_name": first, "last_name": last}

    async def _send_telegram(self, content: dict[str, Any]) -> str:
        update_id = next(self.edge.update_ids)
        chat = {"id": self.who.chat, "type": "private", "first_name": self.who.name.split(" ", 1)[0]}
        if "data" in content:
            message = {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "x"}
            update = {
                "update_id": update_id,
                "callback_query": {
                    "id": f"cq{update_id}",
                    "from": self._profile(),
                    "chat_instance": "1",
                    "data": content["data"],
                    "message": message,
                },
            }
        else:
            message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "from": self._profile()}
            update = {"update_id": update_id, "message": {**message, **content}}
        answer = await self.edge.http.post(
            f"{self.edge.url}/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        )
        assert answer.status_code == 200, answer.text
        return str(update_id)

    async def _send_whatsapp(self, message: dict[str, Any]) -> str:
        message_id = f"wamid.{uuid.uuid4().hex}"
        body = webhook_body(self.who.wa_id, {"id": message_id, **message}, WA_PHONE_ID)
        body["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = self.who.name
        raw = json.dumps(body, ensure_ascii=False).encode()
        signature = "sha256=" + hmac.new(WA_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        answer = await self.edge.http.post(
            f"{self.edge.url}/whatsapp/webhook",
            content=raw,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        )
        assert answer.status_code == 200, answer.text
        return message_id

    async def _turn(self, what: str, send: Any) -> str:
        before = len(self.texts())
        external_id = await send
        await self.edge.processed(self.who.channel, external_id, f"citizen {self.who.index}: {what}")
        answer = "\n".join(self.texts()[before:])
        self.transcript += [f"> {what}", answer]
        return answer

    async def say(self, typed: str) -> str:
        if self.who.channel == "telegram":
            return await self._turn(repr(typed), self._send_telegram({"text": typed}))
        return await self._turn(repr(typed), self._send_whatsapp({"type": "text", "text": {"body": typed}}))

    async def press_first_button(self) -> str:
        if self.who.channel == "telegram":
            marked = [
                p
                for m, p in self.edge.telegram.calls
                if m == "sendMessage" and str(p.get("chat_id")) == str(self.who.chat) and p.get("reply_markup")
            ]
            data = marked[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            return await self._turn("the first button", self._send_telegram({"data": data}))
        interactive = [c for c in self.edge.graph.to(self.who.wa_id) if c["type"] == "interactive"][-1]["interactive"]
        if interactive["type"] == "list":
            row = interactive["action"]["sections"][0]["rows"][0]
            reply = {"type": "list_reply", "list_reply": {"id": row["id"], "title": row["title"]}}
        else:
            reply = {"type": "button_reply", "button_reply": interactive["action"]["buttons"][0]["reply"]}
        return await self._turn("the first button", self._send_whatsapp({"type": "interactive", "interactive": reply}))


async def book(edge: Edge, who: Citizen) -> None:
    chat = Conversation(edge, who)
    hour = 8 + who.index // 3  # three per 15-minute slot: the quota
    asked = await chat.say(f"mau antri kk senin depan jam {hour} di mpp bogor")
    assert "Atas nama" in asked, str(chat)
    await chat.say(who.name)
    await chat.say(who.nik_typed)
    summary = await chat.say(who.phone_typed)
    assert mask_nik(who.nik) in summary, str(chat)
    done = await chat.press_first_button()
    assert "Antrean berhasil dipesan" in done, str(chat)


async def erase(edge: Edge, who: Citizen) -> None:
    chat = Conversation(edge, who)
    question = await chat.say("hapus data saya")
    assert "hapus" in question.lower(), str(chat)
    done = await chat.press_first_button()
    assert "Data pribadi Anda sudah dihapus (1 pemesanan)" in done, str(chat)


async def all_of(conversations: Iterable[Awaitable[None]]) -> None:
    """Every conversation at once; fails with every failed one's transcript."""
    failed = [r for r in await asyncio.gather(*conversations, return_exceptions=True) if isinstance(r, BaseException)]
    if failed:
        raise AssertionError("\n\n".join(str(f) for f in failed))


# ---- the search -------------------------------------------------------------------------------


def plant_canaries(stack: ProdStack) -> None:
    """The canary in clear in a log file, a table and a Redis key: the search must find each."""
    (stack.work / "canary.log").write_text(f"a line with {CANARY} in it\n")
    engine = make_engine(stack.db_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO console_message (chat_id, text, created_at, delivered) VALUES ('canary', :t, :at, :d)"),
            {"t": f"canary {CANARY}", "at": "2026-11-27 03:00:00+00:00", "d": True},
        )
    engine.dispose()
    redis.Redis(port=stack.redis_port, db=9).set("canary", f"canary {CANARY}")


def search(stack: ProdStack, people: list[Citizen], pg: PostgresFiles | None, since: float) -> Scan:
    time.sleep(1.5)  # Redis writes its append-only file every second
    secrets = {
        "Telegram bot token": TG_TOKEN,
        "Telegram secret token": TG_SECRET,
        "WhatsApp access token": WA_TOKEN,
        "WhatsApp app secret": WA_SECRET,
        "REST channel token": stack.rest_token,
        "Rasa API token": stack.api_token,
        "action server token": stack.action_token,
        "MPP_PII_KEY": stack.keys.encryption.decode(),
        "MPP_PII_HASH_KEY": stack.keys.hashing.decode(),
    }
    scan = Scan(
        [
            Needle("canary", CANARY),
            *(n for who in people for n in who.needles()),
            *(Needle(f"secret {name}", value, digits=False) for name, value in secrets.items()),
        ]
    )
    scan.files(stack.work)  # logs of every process, Redis's AOF, SQLite's file, WAL and shm
    for table, content in database_rows(stack.db_url):
        scan.text(f"table {table}", content)
    for where, data in redis_values(stack.redis_port):
        scan.bytes_(where, data)
    if pg is not None:
        pg.scan(scan, since)
    canary = scan.mentions("canary")
    assert "canary in canary.log" in canary and "canary in table console_message" in canary, canary
    assert any(f.startswith("canary in redis db 9") for f in canary), canary
    assert any("appendonly" in f for f in canary), canary  # the AOF, on disk
    if pg is None:  # SQLite (WAL mode): the file, its WAL and shared-memory file were all read
        assert {"mpp.db", "mpp.db-wal", "mpp.db-shm"} <= set(scan.looked_at), scan.looked_at
    else:
        for source in ("pg_dump", "postgres table files", "postgres WAL"):
            assert any(f.startswith(f"canary in {source}") for f in canary), (source, canary)
    return scan


def personal(scan: Scan) -> list[str]:
    return [f for f in scan.found if not f.startswith("canary in ")]


async def test_no_nik_phone_or_name_is_at_rest_in_clear_before_or_after_erasure(
    prod: ProdStack, request: pytest.FixtureRequest
) -> None:
    rng = random.Random()
    people = citizens(rng)
    started = time.time() - 5
    pg = PostgresFiles.of(prod.db_url) if prod.db_url.startswith("postgresql") else None
    plant_canaries(prod)
    edge = await start_edge(prod)
    try:
        await all_of(book(edge, who) for who in people)
        before = search(prod, people, pg, started)
        assert len(before.looked_at) > 20
        assert personal(before) == [], "\n".join(personal(before))

        await all_of(erase(edge, who) for who in people)
        after = search(prod, people, pg, started)
        assert personal(after) == [], "\n".join(personal(after))
    finally:
        await edge.stop()

    engine = make_engine(prod.db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(BookingRow.status, BookingRow.name_encrypted, BookingRow.nik_encrypted)).all()
        senders = {str(s) for s in conn.execute(select(ConversationKeyRow.sender)).scalars()}
        tokens = {str(s) for s in conn.execute(select(PiiTokenRow.sender)).scalars()}
    engine.dispose()
    assert len(rows) == len(people) and all(r == ("cancelled", None, None) for r in rows)
    telegram_senders = {f"telegram:{who.chat}" for who in people if who.channel == "telegram"}
    assert not (senders | tokens) & telegram_senders  # the conversations' keys and tokens are gone
    assert not any(s.startswith("whatsapp:") for s in senders | tokens)
