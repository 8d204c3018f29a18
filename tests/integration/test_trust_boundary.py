"""The gateway's and the action server's trust boundary: unset secrets, forged and replayed calls,
group chats. Each test is an attack; each asserts that nothing was stored, run or revealed."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from datetime import time as clock_time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from bot.config import GatewaySettings
from mpp.booking.model import BookingRequest
from mpp.catalogue.loader import read_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.booking_tables import BookingRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.inbox_tables import InboundMessageRow, WhatsAppContactRow
from mpp.deployment import ConfigurationError
from mpp.privacy import Crypto, Keys
from testkit.core import on_database
from testkit.gateway_harness import start, until
from testkit.stack import load_demo_catalogue
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import text_update
from tests.conftest import CATALOGUE_DIR
from tests.integration.test_gateway import RasaStub


def stored_messages(db_url: str) -> int:
    with make_session_factory(make_engine(db_url))() as session:
        return int(session.execute(select(func.count()).select_from(InboundMessageRow)).scalar_one())


async def test_whatsapp_with_the_app_secret_unset_has_no_route_and_an_empty_key_signs_nothing(sqlite_url: str) -> None:
    rasa = RasaStub()
    gw = await start(sqlite_url, rasa_app=rasa.app(), whatsapp_app_secret=None)
    try:
        body = webhook_body("6281234567890", {"id": "wamid.forged1", "type": "text", "text": {"body": "batalkan"}})
        raw = json.dumps(body).encode()
        forged = "sha256=" + hmac.new(b"", raw, hashlib.sha256).hexdigest()  # signed with the empty key
        answer = await gw.http.post(f"{gw.url}/whatsapp/webhook", content=raw, headers={"X-Hub-Signature-256": forged})
        assert answer.status_code in (403, 404)
        assert (await gw.http.get(f"{gw.url}/whatsapp/webhook", params={"hub.mode": "subscribe"})).status_code in (
            403,
            404,
        )
        await gw.gateway.process_next()
        assert stored_messages(sqlite_url) == 0 and rasa.received == []
        with make_session_factory(make_engine(sqlite_url))() as session:
            assert session.execute(select(func.count()).select_from(WhatsAppContactRow)).scalar_one() == 0
    finally:
        await gw.close()


async def test_telegram_with_the_secret_token_unset_has_no_route(sqlite_url: str) -> None:
    rasa = RasaStub()
    gw = await start(sqlite_url, rasa_app=rasa.app(), telegram_secret=None)
    try:
        for secret in (None, ""):
            assert (await gw.telegram_update(text_update(1, 42, "halo"), secret=secret)).status_code in (403, 404)
        assert stored_messages(sqlite_url) == 0 and rasa.received == []
    finally:
        await gw.close()


async def test_a_replayed_delivery_older_than_the_inbox_keeps_stores_nothing(sqlite_url: str) -> None:
    rasa = RasaStub()
    gw = await start(sqlite_url, rasa_app=rasa.app())
    try:
        old = int(time.time()) - 8 * 24 * 3600  # a genuine, signed body captured a week ago
        body = webhook_body("6281234567891", {"id": "wamid.old", "type": "text", "text": {"body": "halo"}})
        body["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(old)
        assert (await gw.whatsapp_post(body)).status_code == 200
        update = text_update(77, 4242, "halo")
        update["message"]["date"] = old
        assert (await gw.telegram_update(update)).status_code == 200
        assert stored_messages(sqlite_url) == 0
        fresh = webhook_body("6281234567891", {"id": "wamid.new", "type": "text", "text": {"body": "halo"}})
        assert (await gw.whatsapp_post(fresh)).status_code == 200
        assert stored_messages(sqlite_url) == 1
    finally:
        await gw.close()


async def test_what_citizens_type_is_encrypted_in_the_inbox_from_the_first_insert(sqlite_url: str) -> None:
    rasa = RasaStub()
    gw = await start(sqlite_url, rasa_app=rasa.app())
    try:
        await gw.telegram_update(text_update(5, 4343, "nama saya Siti Rahmawati nik 3271045708900001"))
        await until(lambda: rasa.received, what="the turn")
        raw = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
        for wal in Path(sqlite_url.removeprefix("sqlite:///")).parent.glob("*-wal"):
            raw += wal.read_bytes()
        assert b"Rahmawati" not in raw and b"3271045708900001" not in raw
    finally:
        await gw.close()


async def test_a_group_chat_is_its_own_sender_form_and_private_chats_keep_theirs(sqlite_url: str) -> None:
    rasa = RasaStub()
    gw = await start(sqlite_url, rasa_app=rasa.app())
    try:
        group = text_update(9, -100123, "syarat ktp apa")
        group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Warga RW 05"}
        await gw.telegram_update(group)
        await gw.telegram_update(text_update(10, 555, "syarat ktp apa"))
        await until(lambda: len(rasa.received) == 2, what="both turns")
        assert sorted(s for s, _ in rasa.received) == ["telegram-group:-100123", "telegram:555"]
        await until(lambda: gw.telegram.texts("-100123"), what="the group's answer")  # replies go to the group
    finally:
        await gw.close()


def test_half_configured_channels_and_placeholders_stop_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    base = GatewaySettings(
        "http://127.0.0.1:5005",
        20,
        "127.0.0.1",
        8080,
        1,
        None,
        None,
        "http://t",
        "1029",
        "EAAG-x",
        None,
        "verify",
        "http://g",
        "v21.0",
        True,
        2000,
    )
    with pytest.raises(ConfigurationError, match="WHATSAPP_APP_SECRET"):
        base.check()
    telegram_only = GatewaySettings(
        "http://127.0.0.1:5005",
        20,
        "127.0.0.1",
        8080,
        1,
        "123456789:AAH" + "x" * 32,
        None,
        "http://t",
        None,
        None,
        None,
        None,
        "http://g",
        "v21.0",
        True,
        2000,
    )
    with pytest.raises(ConfigurationError, match="TELEGRAM_SECRET_TOKEN"):
        telegram_only.check()
    telegram_only.check(polling=True)  # development polling needs no webhook secret
    monkeypatch.setenv("MPP_ENV", "production")
    with pytest.raises(ConfigurationError, match="development"):
        telegram_only.check(polling=True)
    from dataclasses import replace

    placeholder = replace(telegram_only, telegram_secret="CHANGE-ME-long-random", rasa_rest_token="x" * 40)
    with pytest.raises(ConfigurationError, match="TELEGRAM_SECRET_TOKEN"):
        placeholder.check()
    no_rest_token = replace(telegram_only, telegram_secret="s" * 40)
    with pytest.raises(ConfigurationError, match="RASA_REST_TOKEN"):
        no_rest_token.check()


# ---- the action server ------------------------------------------------------------------------


def _free_port() -> int:
    from testkit.stack import free_port

    return free_port()


def _outward_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = str(s.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("actions")
    db_url = f"sqlite:///{work / 'mpp.db'}"
    load_demo_catalogue(db_url)
    keys, token, port = Keys.generate(), "action-token-" + uuid.uuid4().hex, _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SANIC_HOST", "MPP_ACTION_TOKEN", "MPP_ACTION_TOKEN_FILE")}
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        DATABASE_URL=db_url,
        MPP_PII_KEY=keys.encryption.decode(),
        MPP_PII_HASH_KEY=keys.hashing.decode(),
        MPP_ACTION_TOKEN=token,
        MPP_NOW="2026-11-27T10:00:00+07:00",
    )  # no SANIC_HOST: the guard's default (loopback) is what is tested
    log = work / "actions.log"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError(f"action server did not start:\n{log.read_text()[-3000:]}")
    yield f"http://127.0.0.1:{port}", port, token, db_url, keys
    proc.terminate()
    proc.wait(timeout=20)


def _victim_booking(db_url: str, keys: Keys, sender: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    at = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    service = on_database(db_url, catalogue, lambda: at, crypto=Crypto(keys)).bookings
    booking = service.book(
        BookingRequest(
            request_id=uuid.uuid4().hex,
            chat_id=sender,
            mpp_code="kota_bogor",
            service_code="kk",
            jenis=None,
            day=date(2026, 11, 30),
            start=clock_time(9, 0),
            name="Siti Rahmawati",
            nik="3271045708900001",
            phone=None,
        )
    )
    return str(booking.code)  # type: ignore[union-attr]


def _call(action: str, sender: str, slots: dict | None = None, intent: str = "cek_antrean") -> dict:
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"konfirmasi": None, "requested_slot": None, **(slots or {})},
            "latest_message": {"intent": {"name": intent}, "entities": [], "text": "ya"},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def _status(db_url: str, code: str) -> tuple[str, bool]:
    with make_session_factory(make_engine(db_url))() as session:
        row = session.execute(select(BookingRow).where(BookingRow.code == code)).scalar_one()
        return row.status, row.name_encrypted is not None


def test_a_forged_action_call_for_another_chat_gets_401_and_erases_and_lists_nothing(action_server) -> None:  # type: ignore[no-untyped-def]
    url, _, token, db_url, keys = action_server
    victim = "telegram:987654321"
    code = _victim_booking(db_url, keys, victim)
    erase = _call(
        "action_jawab_konfirmasi",
        victim,
        {"konfirmasi": json.dumps({"op": "hapus", "asked": "2026-11-27T10:00:00+07:00"})},
        intent="afirmasi",
    )
    for headers in ({}, {"X-Action-Token": "guess"}, {"X-Action-Token": ""}):
        listed = requests.post(f"{url}/webhook", json=_call("action_cek_antrean", victim), headers=headers, timeout=10)
        assert listed.status_code == 401 and code not in listed.text
        erased = requests.post(f"{url}/webhook", json=erase, headers=headers, timeout=10)
        assert erased.status_code == 401
        # the token in the query string (where Rasa's `token:` would put it) is not accepted either
        assert requests.post(f"{url}/webhook", params={"token": token}, json=erase, timeout=10).status_code == 401
    assert _status(db_url, code) == ("active", True)
    assert requests.get(f"{url}/actions", timeout=10).status_code == 401
    # Rasa, with the secret, is served: the same calls list and erase (the attack above was real)
    listed = requests.post(
        f"{url}/webhook", json=_call("action_cek_antrean", victim), headers={"X-Action-Token": token}, timeout=10
    )
    assert listed.status_code == 200 and code in listed.text
    ok = requests.post(f"{url}/webhook", json=erase, headers={"X-Action-Token": token}, timeout=10)
    assert ok.status_code == 200 and _status(db_url, code) == ("cancelled", False)


def test_the_action_server_listens_on_loopback_only(action_server) -> None:  # type: ignore[no-untyped-def]
    _, port, *_ = action_server
    outward = _outward_address()
    if outward is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError), socket.create_connection((outward, port), timeout=2):
        pass


def test_a_group_sender_gets_no_personal_action_even_with_the_secret(action_server) -> None:  # type: ignore[no-untyped-def]
    url, _, token, db_url, keys = action_server
    group = "telegram-group:-100777"
    code = _victim_booking(db_url, keys, group)  # as if one had been made before this rule existed
    answer = requests.post(
        f"{url}/webhook", json=_call("action_cek_antrean", group), headers={"X-Action-Token": token}, timeout=10
    )
    assert answer.status_code == 200 and code not in answer.text and "secara pribadi" in answer.text
    faq = requests.post(
        f"{url}/webhook",
        json=_call("action_jawab_pertanyaan", group, intent="tanya_syarat"),
        headers={"X-Action-Token": token},
        timeout=10,
    )
    assert faq.status_code == 200 and "secara pribadi" not in faq.text


def test_the_rasa_launcher_keeps_the_api_token_off_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rasa_launcher import rasa_argv

    monkeypatch.setenv("RASA_API_TOKEN", "t" * 40)
    args = rasa_argv(["run", "--enable-api", "--port", "5005"])
    assert args[-1] == "--auth-token=" + "t" * 40 and "--interface" in args
    monkeypatch.setenv("RASA_API_TOKEN", "-" + "t" * 39)  # secrets.token_urlsafe can start with "-"
    import argparse

    from rasa.cli.arguments.run import add_server_arguments

    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    assert parser.parse_args(rasa_argv(["run", "--enable-api"])[1:]).auth_token == "-" + "t" * 39
    with pytest.raises(ConfigurationError, match="command line"):
        rasa_argv(["run", "--enable-api", "--auth-token", "visible-to-ps"])
    monkeypatch.delenv("RASA_API_TOKEN")
    with pytest.raises(ConfigurationError, match="RASA_API_TOKEN"):
        rasa_argv(["run", "--enable-api"])


def test_the_rasa_launcher_refuses_debug_logging_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rasa_launcher import rasa_argv

    assert "--debug" in rasa_argv(["run", "--debug"])  # development: allowed
    monkeypatch.setenv("MPP_ENV", "production")
    for args, level in ((["run", "--debug"], None), (["run", "-vv"], None), (["run"], "debug")):
        if level:
            monkeypatch.setenv("LOG_LEVEL", level)
        with pytest.raises(ConfigurationError, match="debug"):
            rasa_argv(args)
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    assert rasa_argv(["run"])[:1] == ["run"]
