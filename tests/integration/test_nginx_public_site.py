"""deploy/nginx.conf's public site, run by the real nginx with a certificate made here: HTTP only
redirects, HTTPS carries HSTS, only the webhooks and the console are served, and nothing of Rasa
(REST channel, HTTP API) or the action server is reachable from the public side.

The upstreams are recording stand-ins, so the test sees which process each public request reached.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mpp.config import PROJECT_ROOT
from tests.conftest import unavailable

NGINX = "/usr/sbin/nginx"
HSTS = "max-age=63072000; includeSubDomains"


@dataclass
class Upstream:
    """An HTTP server that records every request it gets and answers 200 with its own name."""

    name: str
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def start(self) -> int:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                upstream.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = json.dumps({"upstream": upstream.name}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.seen]


def _free_port() -> int:
    from testkit.stack import free_port

    return free_port()


def _self_signed(work: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = work / "fullchain.pem", work / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Site:
    http: str
    https: str
    cert: Path
    up: dict[str, Upstream]

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(f"{self.https}{path}", verify=str(self.cert), allow_redirects=False, timeout=10, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(f"{self.https}{path}", verify=str(self.cert), allow_redirects=False, timeout=10, **kwargs)  # type: ignore[arg-type]


def _render(conf: str, ports: dict[str, int], http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf with this run's ports and certificate; everything else as shipped."""
    swaps = {
        "    server 127.0.0.1:5005 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:5006 max_fails=1 fail_timeout=5s;": (
            f"    server 127.0.0.1:{ports['rasa']};"
        ),
        "    server 127.0.0.1:5055 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:5056 max_fails=1 fail_timeout=5s;": (
            f"    server 127.0.0.1:{ports['actions']};"
        ),
        "server 127.0.0.1:8080; server 127.0.0.1:8081 backup;": f"server 127.0.0.1:{ports['gateway']};",
        "server 127.0.0.1:8090;": f"server 127.0.0.1:{ports['console']};",
        "listen 127.0.0.1:5000;": f"listen 127.0.0.1:{ports['rasa_lb']};",
        "listen 127.0.0.1:5050;": f"listen 127.0.0.1:{ports['actions_lb']};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/mpp/fullchain.pem": str(cert),
        "/etc/ssl/mpp/privkey.pem": str(key),
    }
    for old, new in swaps.items():
        assert conf.count(old) == 1, f"deploy/nginx.conf changed: {old!r} not found once"
        conf = conf.replace(old, new)
    return conf


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not Path(NGINX).exists():
        unavailable("nginx is not installed; install it with: apt-get install -y nginx")
    work = tmp_path_factory.mktemp("nginx")
    cert, key = _self_signed(work)
    up = {name: Upstream(name) for name in ("rasa", "actions", "gateway", "console")}
    ports = {name: u.start() for name, u in up.items()}
    ports.update(rasa_lb=_free_port(), actions_lb=_free_port())
    http_port, https_port = _free_port(), _free_port()
    conf = _render((PROJECT_ROOT / "deploy" / "nginx.conf").read_text(), ports, http_port, https_port, cert, key)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}daemon off;\npid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n access_log off;\n client_body_temp_path {work}/body;\n proxy_temp_path {work}/proxy;\n{conf}\n}}\n"
    )
    log = work / "nginx.log"
    proc = subprocess.Popen(
        [NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    https = f"https://127.0.0.1:{https_port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(https, verify=str(cert), timeout=2)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                errors = (work / "error.log").read_text() if (work / "error.log").exists() else ""
                raise RuntimeError(f"nginx did not start:\n{log.read_text()}\n{errors}") from None
            time.sleep(0.1)
    for u in up.values():
        u.seen.clear()
    try:
        yield Site(f"http://127.0.0.1:{http_port}", https, cert, up)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        for u in up.values():
            u.stop()


def test_plain_http_only_redirects_to_https_and_reaches_nothing(site: Site) -> None:
    for method, path in (
        ("GET", "/"),
        ("POST", "/telegram/webhook"),
        ("POST", "/whatsapp/webhook"),
        ("GET", "/login"),
        ("POST", "/webhooks/rest/webhook"),
    ):
        answer = requests.request(
            method, f"{site.http}{path}", headers={"Host": "mpp.example.go.id"}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 301, path
        assert answer.headers["Location"] == f"https://mpp.example.go.id{path}"
    assert all(u.seen == [] for u in site.up.values())  # nothing was served in clear


def test_https_carries_hsts_on_every_answer(site: Site) -> None:
    too_big = site.post("/whatsapp/webhook", data=b"x" * 300_000)  # nginx's own error page (413)
    assert too_big.status_code == 413
    for answer in (site.get("/"), site.post("/telegram/webhook", json={}), too_big):
        assert answer.headers.get("Strict-Transport-Security") == HSTS
        assert answer.headers.get("X-Content-Type-Options") == "nosniff"


def test_webhooks_reach_the_gateway_and_the_rest_reaches_the_console(site: Site) -> None:
    site.up["gateway"].seen.clear()
    for path in ("/telegram/webhook", "/whatsapp/webhook"):
        answer = site.post(path, json={"update_id": 1}, headers={"X-Forwarded-For": "6.6.6.6"})
        assert answer.json() == {"upstream": "gateway"}
    for path in ("/", "/login", "/board/kota_bogor", "/kiosk/kota_bogor"):
        assert site.get(path).json() == {"upstream": "console"}
    assert sorted(site.up["gateway"].paths()) == ["/telegram/webhook", "/whatsapp/webhook"]
    headers = site.up["gateway"].seen[0][2]
    # nginx sets the client's address itself: a forged X-Forwarded-For is not passed on
    assert headers["x-forwarded-for"] == "127.0.0.1" and headers["x-forwarded-proto"] == "https"


def test_rasa_and_the_action_server_are_not_reachable_from_the_public_side(site: Site) -> None:
    site.up["console"].seen.clear()
    site.up["gateway"].seen.clear()
    attempts = [
        ("POST", "/webhooks/rest/webhook", {}),
        ("POST", "/webhooks/rest/webhook", {"Host": "127.0.0.1:5000"}),  # the internal server's name
        ("POST", "/model/parse?token=guess", {}),
        ("GET", "/conversations/telegram:1/tracker", {}),
        ("POST", "/conversations/telegram:1/trigger_intent", {}),
        ("GET", "/status", {}),
        ("POST", "/webhook", {}),  # the action server's call
        ("GET", "/actions", {}),
        ("POST", "/telegram/webhook/../../webhooks/rest/webhook", {}),
        ("POST", "/telegram/webhook%2F..%2F..%2Fwebhooks/rest/webhook", {}),
    ]
    for method, path, headers in attempts:
        requests.request(method, f"{site.https}{path}", headers=headers, json={}, verify=str(site.cert), timeout=10)
    assert site.up["rasa"].seen == [] and site.up["actions"].seen == []
    # whatever was not a webhook went to the console (which has none of these routes: its 404)
    assert len(site.up["console"].seen) == len(attempts)
    assert site.up["gateway"].seen == []
