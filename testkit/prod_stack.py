"""The production shape on one machine: Rasa workers with Redis tracker and lock stores, action
servers, nginx balancing both — started from deploy/ (endpoints.production.yml, the nginx upstreams).

Used by the fault tests and the benchmarks. Each part can be killed and restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from mpp.config import PROJECT_ROOT
from mpp.privacy import Keys
from testkit.stack import BIN, MODEL, free_port, rasa_run, wait_for

NGINX = "/usr/sbin/nginx"


@dataclass
class Proc:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    port: int
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        self.popen = subprocess.Popen(
            self.args,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=30)

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


@dataclass
class ProdStack:
    work: Path
    db_url: str
    redis_port: int
    url: str  # nginx: the gateway's view of Rasa
    rasa: list[Proc] = field(default_factory=list)
    actions: list[Proc] = field(default_factory=list)
    others: list[Proc] = field(default_factory=list)
    keys: Keys = field(default_factory=Keys.generate)
    rest_token: str = "gateway-token-for-tests"
    api_token: str = "rasa-api-token-for-tests"
    action_token: str = "action-token-for-tests-0123456789"

    def all(self) -> list[Proc]:
        return [*self.others, *self.actions, *self.rasa]

    def stop(self) -> None:
        for proc in reversed(self.all()):
            proc.kill(signal.SIGTERM)

    def wait_rasa(self, proc: Proc, seconds: float = 120) -> None:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{proc.port}/", timeout=2).ok, seconds, proc.name, [proc.log])

    def wait_actions(self, proc: Proc, seconds: float = 120) -> None:
        wait_for(
            lambda: requests.get(f"http://127.0.0.1:{proc.port}/health", timeout=2).ok, seconds, proc.name, [proc.log]
        )

    def say(self, sender: str, text: str, timeout: float = 30) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers={"X-Gateway-Token": self.rest_token},
            timeout=timeout,
        )
        response.raise_for_status()
        return list(response.json())


def start_redis(work: Path, port: int, persistent: bool = True) -> Proc:
    """A Redis of our own, with the persistence the README recommends (AOF, fsync every second)."""
    args = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(work),
        "--save",
        "",
        "--appendonly",
        "yes" if persistent else "no",
        "--appendfsync",
        "everysec",
        "--daemonize",
        "no",
    ]
    proc = Proc("redis", args, dict(os.environ), work / "redis.log", port)
    proc.start()
    wait_for(lambda: _redis_ping(port), 20, "redis", [proc.log])
    return proc


def _redis_ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port).ping())
    except redis.ConnectionError:
        return False


def start_prod_stack(
    work: Path,
    db_url: str,
    workers: int = 2,
    action_servers: int = 1,
    lock_lifetime: int = 5,
    model: Path = MODEL,
    extra_env: dict[str, str] | None = None,
    endpoints: Path | None = None,
) -> ProdStack:
    work.mkdir(parents=True, exist_ok=True)
    redis_port, nginx_port = free_port(), free_port()
    action_ports = [free_port() for _ in range(action_servers)]
    rasa_ports = [free_port() for _ in range(workers)]
    actions_lb = free_port()
    stack = ProdStack(work, db_url, redis_port, f"http://127.0.0.1:{nginx_port}")
    stack.others.append(start_redis(work, redis_port))
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": db_url,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis_port),
        "REDIS_PASSWORD": "",
        "REDIS_TRACKER_DB": "0",
        "REDIS_LOCK_DB": "1",
        "TRACKER_EXPIRY_SECONDS": "3600",
        "TICKET_LOCK_LIFETIME": str(lock_lifetime),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_lb}/webhook",
        "RASA_REST_TOKEN": stack.rest_token,
        "RASA_API_TOKEN": stack.api_token,  # read by bot.rasa_launcher, not given on the command line
        "MPP_ACTION_TOKEN": stack.action_token,  # bot/action_guard.py
        "SANIC_HOST": "127.0.0.1",
        "MPP_PII_KEY": stack.keys.encryption.decode(),
        "MPP_PII_HASH_KEY": stack.keys.hashing.decode(),
        **(extra_env or {}),
    }
    conf = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    upstream_rasa = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in rasa_ports)
    upstream_actions = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in action_ports)
    conf = conf.replace(
        "    server 127.0.0.1:5005 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:5006 max_fails=1 fail_timeout=5s;",
        upstream_rasa,
    )
    conf = conf.replace(
        "    server 127.0.0.1:5055 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:5056 max_fails=1 fail_timeout=5s;",
        upstream_actions,
    )
    conf = conf.replace("listen 127.0.0.1:5000;", f"listen 127.0.0.1:{nginx_port};")
    conf = conf.replace("listen 127.0.0.1:5050;", f"listen 127.0.0.1:{actions_lb};")
    conf = conf.split("# Public.")[0]  # the public site needs the gateway and console; not started here
    nginx_conf = work / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp dirs of this run
    nginx_conf.write_text(
        f"{user}daemon off;\npid {work}/nginx.pid;\nerror_log {work}/nginx.error.log warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n access_log off;\n client_body_temp_path {work}/nginx_body;\n proxy_temp_path {work}/nginx_proxy;\n"
        f"{conf}\n}}\n"
    )
    try:
        for port in action_ports:
            proc = Proc(
                f"actions:{port}",
                [str(BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"],
                env,
                work / f"actions-{port}.log",
                port,
            )
            proc.start()
            stack.actions.append(proc)
        for port in rasa_ports:
            proc = Proc(
                f"rasa:{port}",
                rasa_run(
                    port,
                    model,
                    endpoints or PROJECT_ROOT / "deploy" / "endpoints.production.yml",
                    "--enable-api",  # as in deploy/Procfile: the HTTP API, only with RASA_API_TOKEN
                ),
                env,
                work / f"rasa-{port}.log",
                port,
            )
            proc.start()
            stack.rasa.append(proc)
        nginx = Proc("nginx", [NGINX, "-c", str(nginx_conf), "-p", str(work)], env, work / "nginx.log", nginx_port)
        nginx.start()
        stack.others.append(nginx)
        for proc in stack.actions:
            stack.wait_actions(proc)
        for proc in stack.rasa:
            stack.wait_rasa(proc)
        wait_for(lambda: requests.get(f"{stack.url}/", timeout=2).status_code == 404, 20, "nginx", [nginx.log])
    except BaseException:  # nothing started stays behind (e.g. nginx missing, a worker that never came up)
        stack.stop()
        raise
    return stack


def restart(proc: Proc) -> float:
    """Start a killed process again; returns seconds until it was up (the caller waits for it)."""
    started = time.monotonic()
    proc.start()
    return started
