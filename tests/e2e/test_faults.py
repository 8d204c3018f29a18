"""Faults on the production shape: Rasa workers behind nginx with Redis tracker and lock stores,
PostgreSQL for the core. A worker killed mid-turn, Redis restarted, the action server down, the
database gone for a moment, trackers that expire, the REST channel closed to anyone but the gateway."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from datetime import datetime, timezone
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import requests
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from mpp.booking.model import Booking, BookingRequest
from mpp.catalogue.loader import read_catalogue
from mpp.db.booking_tables import BookingRow, SlotUsageRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.numbering import SqlQueueNumbers
from mpp.privacy import Crypto
from mpp.storage import Unavailable
from testkit.core import on_database
from testkit.prod_stack import NGINX, ProdStack, start_prod_stack, start_redis
from testkit.stack import load_demo_catalogue
from tests.conftest import CATALOGUE_DIR, unavailable
from tests.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
LOCK_LIFETIME = 5


@pytest.fixture(scope="module")
def stack(_pg_database: str, tmp_path_factory):  # type: ignore[no-untyped-def]

    if not Path(NGINX).exists():
        unavailable("nginx is not installed; install it with: apt-get install -y nginx")
    load_demo_catalogue(_pg_database)
    prod = start_prod_stack(tmp_path_factory.mktemp("prod"), _pg_database, workers=2, lock_lifetime=LOCK_LIFETIME)
    yield prod
    prod.stop()
    # the worker's database is shared by its later tests: leave it empty, as the pg_url fixture does
    engine = make_engine(_pg_database)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def sender() -> str:
    return f"telegram:{uuid.uuid4().int % 10**9}"


def test_rest_channel_refuses_anyone_without_the_gateway_token(stack: ProdStack) -> None:
    body = {"sender": "telegram:1", "message": "halo"}
    assert requests.post(f"{stack.url}/webhooks/rest/webhook", json=body, timeout=10).status_code == 403
    worker = stack.rasa[0].port
    assert requests.post(f"http://127.0.0.1:{worker}/webhooks/rest/webhook", json=body, timeout=10).status_code == 403


def test_rasa_http_api_only_with_its_token_and_never_through_nginx(stack: ProdStack) -> None:
    worker = f"http://127.0.0.1:{stack.rasa[0].port}"
    parse = {"text": "syarat ktp"}
    assert requests.post(f"{worker}/model/parse", json=parse, timeout=10).status_code == 401
    assert requests.get(f"{worker}/conversations/telegram:1/tracker", timeout=10).status_code == 401
    wrong = requests.post(f"{worker}/model/parse", params={"token": "guess"}, json=parse, timeout=10)
    assert wrong.status_code == 401
    right = requests.post(f"{worker}/model/parse", params={"token": stack.api_token}, json=parse, timeout=10)
    assert right.status_code == 200 and right.json()["intent"]["name"] == "tanya_syarat"
    # the public side of nginx forwards only the REST channel: the API is not there at all
    assert requests.post(f"{stack.url}/model/parse", params={"token": stack.api_token}, json=parse).status_code == 404


def test_context_is_shared_by_the_workers(stack: ProdStack) -> None:
    me = sender()
    assert "Persyaratan Paspor" in text_of(stack.say(me, "syarat paspor apa"))
    for _ in range(4):  # whichever worker nginx picks, the follow-up knows the service
        assert "Rp350.000" in text_of(stack.say(me, "kalau biayanya?"))


def test_worker_killed_mid_turn_the_conversation_goes_on_elsewhere(stack: ProdStack) -> None:
    me = sender()
    assert "Persyaratan Paspor" in text_of(stack.say(me, "syarat paspor apa"))
    victim = stack.rasa[0]
    body = {"sender": me, "message": "kalau lama prosesnya?"}
    headers = {"X-Gateway-Token": stack.rest_token}
    in_flight = threading.Thread(
        target=lambda: _ignore(
            lambda: requests.post(
                f"http://127.0.0.1:{victim.port}/webhooks/rest/webhook", json=body, headers=headers, timeout=10
            )
        )
    )
    in_flight.start()
    time.sleep(0.02)
    victim.kill(signal.SIGKILL)  # while it holds the conversation's lock in Redis
    in_flight.join()
    started = time.monotonic()
    reply = text_of(stack.say(me, "kalau biayanya?"))
    waited = time.monotonic() - started
    print(f"turn after the kill answered in {waited:.1f} s (lock lifetime {LOCK_LIFETIME} s)")
    assert "Rp350.000" in reply  # the other worker has the state (Redis tracker store)
    assert waited < LOCK_LIFETIME + 5, f"blocked {waited:.1f} s (lock lifetime {LOCK_LIFETIME} s)"
    victim.start()
    stack.wait_rasa(victim)


def test_redis_restart_keeps_conversations_and_queued_notifications(stack: ProdStack) -> None:
    me = sender()
    assert "Persyaratan" in text_of(stack.say(me, "syarat kk apa"))
    client = redis.Redis(port=stack.redis_port)
    client.xadd("mpp:notify", {"id": "1", "chat": me, "kind": "test", "text": "tinggal 3 nomor lagi", "attempts": "1"})
    time.sleep(1.5)  # appendfsync everysec: what is a second old is on disk
    redis_proc = stack.others[0]
    redis_proc.kill(signal.SIGKILL)
    stack.others[0] = start_redis(stack.work, stack.redis_port)
    client = redis.Redis(port=stack.redis_port)
    assert client.xlen("mpp:notify") == 1
    assert "GRATIS" in text_of(stack.say(me, "kalau biayanya?"))  # KK still the topic after the restart


def test_long_conversation_is_bounded_and_keeps_its_state(stack: ProdStack) -> None:
    from bot.tracker_store import DEFAULT_MAX_EVENTS

    me = sender()
    assert "Persyaratan Paspor" in text_of(stack.say(me, "syarat paspor apa"))
    for i in range(40):  # ~6 events a turn: well past the bound
        assert text_of(stack.say(me, "makasih ya" if i % 2 else "halo min"))
    client = redis.Redis(port=stack.redis_port, db=0)
    key = next(k for k in client.keys("mpp*") if me.encode() in k)
    from cryptography.fernet import Fernet

    from bot.tracker_store import ENCRYPTED
    from mpp import tracker_keys

    raw = client.get(key)
    assert raw.startswith(ENCRYPTED) and b"paspor" not in raw  # ciphertext at rest, opened with its own key
    with make_session_factory(make_engine(stack.db_url))() as session:
        conversation_key = tracker_keys.get_key(session, Crypto(stack.keys), me)
    assert conversation_key is not None
    stored = json.loads(Fernet(conversation_key).decrypt(raw[len(ENCRYPTED) :]))
    assert len(stored["events"]) <= DEFAULT_MAX_EVENTS + 20  # the bound plus the restored state
    assert "Rp350.000" in text_of(stack.say(me, "kalau biayanya?"))  # still about the passport


def test_trackers_expire(stack: ProdStack) -> None:
    me = sender()
    stack.say(me, "halo")
    client = redis.Redis(port=stack.redis_port, db=0)
    keys = [k for k in client.keys("mpp*") if me.encode() in k]
    assert keys and 0 < client.ttl(keys[0]) <= 3600


async def test_action_server_down_apologises_and_keeps_the_message(stack: ProdStack, sqlite_url: str) -> None:
    from testkit.gateway_harness import start, until
    from testkit.stubs.telegram_api import text_update

    harness = await start(sqlite_url, rasa_url=stack.url, rasa_rest_token=stack.rest_token)
    harness.gateway.retry_delays = (1, 1, 1, 1, 1, 1)
    actions = stack.actions[0]
    try:
        actions.kill(signal.SIGKILL)
        await harness.telegram_update(text_update(1, 4242, "syarat akta kelahiran apa"))
        await until(lambda: harness.telegram.texts("4242"), timeout=30, what="an apology")
        assert "sibuk" in harness.telegram.texts("4242")[0]
        actions.start()
        stack.wait_actions(actions)
        await until(
            lambda: any("Persyaratan Akta Kelahiran" in t for t in harness.telegram.texts("4242")),
            timeout=60,
            what="the answer once the action server is back",
        )
    finally:
        if not actions.alive:
            actions.start()
            stack.wait_actions(actions)
        await harness.close()


def test_database_briefly_down_fails_a_booking_cleanly(stack: ProdStack, monkeypatch) -> None:
    url = make_url(stack.db_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    cat = read_catalogue(CATALOGUE_DIR).catalogue
    clock = lambda: datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # noqa: E731
    service = on_database(proxied, cat, clock).bookings
    day = datetime(2026, 12, 3, tzinfo=ZoneInfo("Asia/Jakarta")).date()
    request = BookingRequest(
        "db-down", "telegram:77", "kota_bogor", "kk", day, clock_time(9, 0), "Warga", "3271041212850003"
    )
    real = SqlQueueNumbers.next

    def cut_midway(*args, **kwargs):  # type: ignore[no-untyped-def]
        proxy.cut()  # the place is taken, the booking row not yet written: the worst moment
        return real(*args, **kwargs)

    monkeypatch.setattr(SqlQueueNumbers, "next", cut_midway)
    with pytest.raises(Unavailable):
        service.book(request)
    monkeypatch.undo()
    proxy.restore()
    engine = make_engine(stack.db_url)
    with engine.connect() as conn:
        booked = conn.execute(select(func.coalesce(func.sum(SlotUsageRow.booked), 0))).scalar_one()
        rows = conn.execute(
            select(func.count()).select_from(BookingRow).where(BookingRow.status == "active")
        ).scalar_one()
    assert booked == rows  # no place taken without its booking: nothing half-written
    outcome = on_database(make_session_factory(engine), cat, clock).bookings.book(request)
    assert isinstance(outcome, Booking)  # and once the database is back, the same request books
    proxy.close()
    engine.dispose()


def _ignore(fn) -> None:  # type: ignore[no-untyped-def]
    try:
        fn()
    except requests.RequestException:
        pass
