"""The benchmark suite: the production shape under mixed traffic, beside stock Rasa.

    .venv/bin/python -m benchmarks.suite                 # about 20 minutes (first run: +10 for the stock model)
    .venv/bin/python -m benchmarks.suite --seconds 20 --only ours-1w ours-2w

For each configuration it starts the production shape (benchmarks/prod_stack.py: Rasa
workers with the Redis tracker and lock stores, one action server, nginx, PostgreSQL or
SQLite for the core), gives a fifth of the senders 200 earlier turns, then drives
simulated citizens (benchmarks/load.py) through the REST channel: at saturation (8
citizens per worker, no think time) for throughput, and at light load (one citizen per
worker) for the turn latency a citizen sees. It prints latency percentiles, turns per
second per worker, the booking success rate and peak memory per process; then the
ratios against stock Rasa (the `rasa init` pipeline and policies trained on our data,
same traffic, same stack), the scaling from one worker to two, model-ready time after
process start, training time and training peak memory, and booking commits per second
under contention (benchmarks/booking_contention.py, in process).

Configurations:
  ours-1w, ours-2w   our model and endpoints (deploy/endpoints.production.yml)
  ours-1w-stockrasa  the same without bot/rasa_speedups.py (MPP_RASA_SPEEDUPS=0)
  ours-1w-nostatecache the same with MPP_STATE_CACHE=0: each turn works its dialogue states out afresh
  ours-1w-noencoder  our model trained without the sentence encoder (config.yml minus
                     sentence_encoder): what the encoder costs in turns/s and latency
  ours-2w-stockstore the same with Rasa's own RedisTrackerStore (whole history rewritten
                     and merged on every save): the effect of our bounded tracker store
  stock-1w           stock Rasa: the `rasa init` model trained on our data, Rasa's own
                     Redis tracker and lock stores, the whole domain on every action call,
                     no speed-ups; our REST channel and actions (the traffic needs them)

There is no text-keyed cache anywhere in the stack, so every figure is without one.
On this machine the load generator shares the two cores with the workers.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.load import FIXED_NOW, Load, Turn, faq_texts, percentile
from mpp.config import PROJECT_ROOT
from testkit.processes import rss_kb
from testkit.prod_stack import ProdStack, start_prod_stack
from testkit.stack import BIN, clear_bookings, database

OUT = PROJECT_ROOT / "models" / "bench"
STOCK_CONFIG = PROJECT_ROOT / "benchmarks" / "configs" / "stock_rasa_init.yml"


@dataclass
class Result:
    name: str
    workers: int
    throughput: float  # turns per second at saturation
    saturated: list[Turn]
    light: list[Turn]
    booked: int
    errors: int
    peak_mb: dict[str, float]
    worker_cpu_ms: float  # CPU time of the Rasa worker(s) per turn at saturation

    def p(self, turns: Iterable[Turn], q: float) -> float:
        return percentile([t.seconds * 1000 for t in turns], q)


# ---- models ------------------------------------------------------------------------
def _digest(config: Path) -> str:
    h = hashlib.sha256(config.read_bytes())
    for folder in ("data", "nlu", "actions"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".yml", ".yaml", ".py", ".tsv"):
                h.update(path.read_bytes())
    h.update((PROJECT_ROOT / "domain.yml").read_bytes())
    return h.hexdigest()[:16]


def train(name: str, config: Path, force: bool) -> tuple[Path, float, float, bool]:
    """A full model (NLU and dialogue); (path, seconds, peak MB, trained now). Cached by digest."""
    OUT.mkdir(parents=True, exist_ok=True)
    model, stamp = OUT / f"{name}.tar.gz", OUT / f"{name}.json"
    digest = _digest(config)
    if not force and model.exists() and stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded["digest"] == digest:
            return model, recorded["seconds"], recorded["peak_mb"], False
    started = time.perf_counter()
    command = [str(BIN / "rasa"), "train", "--config", str(config), "--domain", "domain.yml", "--data", "data"]
    proc = subprocess.Popen(
        [*command, "--out", str(OUT), "--fixed-model-name", name, "--quiet"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "RASA_MAX_CACHE_SIZE": "0", "RASA_TELEMETRY_ENABLED": "false"},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"training {name} failed ({proc.returncode})")
    seconds, peak = time.perf_counter() - started, usage.ru_maxrss / 1024
    stamp.write_text(json.dumps({"digest": digest, "seconds": seconds, "peak_mb": peak}))
    return model, seconds, peak, True


def without_encoder(config: Path) -> Path:
    """config.yml with the intent classifier's sentence encoder taken out (written into OUT)."""
    data = yaml.safe_load(config.read_text())
    for component in data["pipeline"]:
        component.pop("sentence_encoder", None)
        component.pop("encoder_below", None)
    out = OUT / "config_noencoder.yml"
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


# ---- one configuration -------------------------------------------------------------
def run_config(
    name: str,
    model: Path,
    workers: int,
    db_url: str,
    seconds: float,
    history: int,
    endpoints: Path | None,
    env: dict[str, str],
    profile: Path | None = None,
) -> Result:
    clear_bookings(db_url)
    with tempfile.TemporaryDirectory() as tmp:
        stack: ProdStack = start_prod_stack(
            Path(tmp),
            db_url,
            workers=workers,
            model=model,
            extra_env={"MPP_NOW": FIXED_NOW, **env},
            endpoints=endpoints,
        )
        try:
            load = Load(stack.url, stack.rest_token, faq_texts())
            users = 8 * workers
            senders = [f"bench:{name}:{i}" for i in range(users)]
            long_senders = set(senders[: max(1, users // 5)])
            asyncio.run(load.preload(sorted(long_senders), history, concurrency=users))
            profilers = start_profilers(profile, name, stack, seconds)
            cpu_before = sum(cpu_seconds(p.popen.pid) for p in stack.rasa if p.popen)
            elapsed = asyncio.run(load.run(senders, long_senders, seconds))
            cpu = sum(cpu_seconds(p.popen.pid) for p in stack.rasa if p.popen) - cpu_before
            for profiler in profilers:
                profiler.wait()
            if profile is not None:
                from benchmarks.profile_summary import summary

                for proc in stack.rasa:
                    out = profile / f"{name}-{proc.port}.txt"
                    print(summary(out, 25) if out.exists() else f"no profile written to {out}", flush=True)
            saturated, booked, errors = load.turns, load.booked, load.errors
            light_load = Load(stack.url, stack.rest_token, load.faq)
            asyncio.run(light_load.run(senders[:workers], long_senders, seconds / 2, seed=2))
            procs = [*stack.rasa, *stack.actions, stack.others[0]]
            peak = {p.name.split(":")[0]: 0.0 for p in procs}
            for proc in procs:
                if proc.popen:
                    key = proc.name.split(":")[0]
                    peak[key] = max(peak[key], hwm_kb(proc.popen.pid) / 1024)
        finally:
            stack.stop()
    return Result(
        name,
        workers,
        len(saturated) / elapsed,
        saturated,
        light_load.turns,
        booked,
        errors + light_load.errors,
        peak,
        1000 * cpu / max(1, len(saturated)),
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_profilers(folder: Path | None, name: str, stack: ProdStack, seconds: float) -> list[subprocess.Popen]:
    """py-spy on every Rasa worker for the saturated phase (--profile; py-spy is not a dependency)."""
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    spy = [str(BIN / "py-spy"), "record", "--nonblocking", "--rate", "100", "--format", "raw"]
    return [
        subprocess.Popen(
            [
                *spy,
                "--pid",
                str(proc.popen.pid),
                "--duration",
                str(int(seconds)),
                "-o",
                str(folder / f"{name}-{proc.port}.txt"),
            ],
            stdout=subprocess.DEVNULL,
        )
        for proc in stack.rasa
        if proc.popen
    ]


def hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return rss_kb(pid)


def stock_store_endpoints(work: Path, stock: bool = False) -> Path:
    """Production endpoints with Rasa's own RedisTrackerStore; ``stock``: also Rasa's lock store, whole domain to actions."""
    text = (PROJECT_ROOT / "deploy" / "endpoints.production.yml").read_text()
    text = text.replace("type: bot.tracker_store.BoundedRedisTrackerStore", "type: redis")
    if stock:
        text = text.replace("type: bot.lock_store.RenewingRedisLockStore", "type: redis")
        text = re.sub(r"\n  enable_selective_domain: true[^\n]*", "", text)
    path = work / f"endpoints.stockstore{'.stock' if stock else ''}.yml"
    path.write_text(text)
    return path


# ---- report ------------------------------------------------------------------------
def table(results: list[Result]) -> str:
    head = (
        f"{'config':<20}{'turns/s':>8}{'/worker':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
        f"{'FAQ p95':>9}{'FAQ p95':>9}{'long p95':>9}{'booked':>8}{'ok %':>6}{'err':>5}{'CPU/turn':>9}  peak MB\n"
        f"{'':<20}{'(saturated, ms)':>38}{'light':>9}{'satur.':>9}{'satur.':>9}\n"
    )
    rows = []
    for r in results:
        faq_sat = [t for t in r.saturated if t.kind == "faq"]
        faq_light = [t for t in r.light if t.kind == "faq"]
        long_sat = [t for t in r.saturated if t.long_sender]
        ok = 100 * sum(t.ok for t in r.saturated) / max(1, len(r.saturated))
        peak = ", ".join(f"{k} {v:.0f}" for k, v in r.peak_mb.items())
        rows.append(
            f"{r.name:<20}{r.throughput:>8.1f}{r.throughput / r.workers:>8.1f}{r.p(r.saturated, 50):>7.0f}"
            f"{r.p(r.saturated, 95):>7.0f}{r.p(r.saturated, 99):>7.0f}{r.p(faq_light, 95):>9.0f}"
            f"{r.p(faq_sat, 95):>9.0f}{r.p(long_sat, 95):>9.0f}{r.booked:>8}{ok:>6.1f}{r.errors:>5}"
            f"{r.worker_cpu_ms:>7.1f}ms  {peak}"
        )
    return head + "\n".join(rows)


def kinds(results: list[Result]) -> str:
    lines = []
    for r in results:
        parts = []
        for kind in ("faq", "booking", "queue"):
            light = [t for t in r.light if t.kind == kind]
            parts.append(f"{kind} p50/p95 {r.p(light, 50):.0f}/{r.p(light, 95):.0f} ms (n={len(light)})")
        lines.append(f"  {r.name:<20}light load: " + "; ".join(parts))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=40, help="saturated phase per configuration")
    parser.add_argument("--history", type=int, default=200, help="earlier turns of the long senders")
    parser.add_argument("--only", nargs="*", help="configurations to run")
    parser.add_argument("--retrain", action="store_true", help="train both models afresh (timing them)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy each Rasa worker during the saturated phase into this folder (pip install py-spy)",
    )
    parser.add_argument(
        "--postgres", default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--database", default="mpp_bench", help="name of the (re)created core database")
    args = parser.parse_args()
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    wanted = set(args.only or ["ours-1w", "ours-1w-stockrasa", "ours-2w", "ours-2w-stockstore", "stock-1w"])

    ours, ours_s, ours_mb, ours_now = train("ours", PROJECT_ROOT / "config.yml", args.retrain)
    plain = None
    if "ours-1w-noencoder" in wanted:
        plain, *_ = train("ours-noencoder", without_encoder(PROJECT_ROOT / "config.yml"), args.retrain)
    stock = None
    if "stock-1w" in wanted:
        stock, stock_s, stock_mb, stock_now = train("stock", STOCK_CONFIG, args.retrain)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = database(Path(tmp), args.postgres, name=args.database)
        off = {"MPP_RASA_SPEEDUPS": "0"}
        plan = [
            ("ours-1w", ours, 1, None, {}),
            ("ours-1w-stockrasa", ours, 1, None, off),
            ("ours-1w-nostatecache", ours, 1, None, {"MPP_STATE_CACHE": "0"}),
            ("ours-1w-noencoder", plain, 1, None, {}),
            ("ours-2w", ours, 2, None, {}),
            ("ours-2w-stockstore", ours, 2, stock_store_endpoints(Path(tmp)), {}),
            ("stock-1w", stock, 1, stock_store_endpoints(Path(tmp), stock=True), off),
        ]
        results = []
        for name, model, workers, endpoints, env in plan:
            if name in wanted and model is not None:
                print(f"running {name} ...", flush=True)
                results.append(
                    run_config(name, model, workers, db_url, args.seconds, args.history, endpoints, env, args.profile)
                )
    from benchmarks.startup import process_ready_seconds

    print(
        f"\ncore database: {db_url.split(':')[0]}; {args.seconds:.0f} s saturated (8 citizens per worker), "
        f"{args.seconds / 2:.0f} s light load (1 per worker); long senders: {args.history} earlier turns\n"
    )
    print(table(results))
    print(kinds(results))
    by = {r.name: r for r in results}
    if "ours-1w" in by and "ours-2w" in by:
        one, two = by["ours-1w"], by["ours-2w"]
        print(
            f"\nscaling 1 -> 2 workers: x{two.throughput / one.throughput:.2f} turns/s "
            f"({os.cpu_count()} cores shared with nginx, Redis, PostgreSQL, the action server and the load generator); "
            f"Rasa worker CPU per turn {one.worker_cpu_ms:.1f} ms with one worker, {two.worker_cpu_ms:.1f} ms with two"
        )
    if "ours-2w" in by and "ours-2w-stockstore" in by:
        a, b = by["ours-2w"], by["ours-2w-stockstore"]
        print(
            f"bounded tracker store vs Rasa's RedisTrackerStore: x{a.throughput / b.throughput:.2f} turns/s, "
            f"long-sender p95 {a.p([t for t in a.saturated if t.long_sender], 95):.0f} vs "
            f"{b.p([t for t in b.saturated if t.long_sender], 95):.0f} ms"
        )
    if "ours-1w" in by and "ours-1w-stockrasa" in by:
        a, b = by["ours-1w"], by["ours-1w-stockrasa"]
        print(
            f"bot/rasa_speedups.py on vs off: x{a.throughput / b.throughput:.2f} turns/s, "
            f"saturated p95 {a.p(a.saturated, 95):.0f} vs {b.p(b.saturated, 95):.0f} ms"
        )
    if "ours-1w" in by and "ours-1w-nostatecache" in by:
        a, b = by["ours-1w"], by["ours-1w-nostatecache"]
        print(
            f"last turn's dialogue states kept (MPP_STATE_CACHE) vs worked out afresh: x{a.throughput / b.throughput:.2f} "
            f"turns/s, worker CPU per turn {a.worker_cpu_ms:.1f} vs {b.worker_cpu_ms:.1f} ms"
        )
    if "ours-1w" in by and "ours-1w-noencoder" in by:
        a, b = by["ours-1w"], by["ours-1w-noencoder"]
        fa, fb = [t for t in a.light if t.kind == "faq"], [t for t in b.light if t.kind == "faq"]
        print(
            f"sentence encoder on vs off: x{a.throughput / b.throughput:.2f} turns/s; "
            f"saturated p95 {a.p(a.saturated, 95):.0f} vs {b.p(b.saturated, 95):.0f} ms; "
            f"FAQ turn p95 at light load {a.p(fa, 95):.0f} vs {b.p(fb, 95):.0f} ms"
        )
    if "ours-1w" in by and "stock-1w" in by:
        a, b = by["ours-1w"], by["stock-1w"]
        fa, fb = [t for t in a.light if t.kind == "faq"], [t for t in b.light if t.kind == "faq"]
        print(
            f"ours / stock Rasa (1 worker): turns/s x{a.throughput / b.throughput:.2f}; "
            f"saturated p95 x{a.p(a.saturated, 95) / b.p(b.saturated, 95):.2f}; "
            f"light-load FAQ p95 x{a.p(fa, 95) / b.p(fb, 95):.2f}"
        )
    ready = process_ready_seconds(ours)
    line = f"\nmodel ready after process start: ours {ready:.1f} s"
    if stock is not None:
        stock_ready = process_ready_seconds(stock)
        line += f", stock {stock_ready:.1f} s (x{ready / stock_ready:.2f})"
    print(line)
    trained = f"training (full model): ours {ours_s:.0f} s, peak {ours_mb:.0f} MB" + ("" if ours_now else " (recorded)")
    if stock is not None:
        trained += f"; stock {stock_s:.0f} s, peak {stock_mb:.0f} MB" + ("" if stock_now else " (recorded)")
        trained += f" (x{ours_s / stock_s:.2f})"
    print(trained)
    booking_contention_line(args.postgres)


def booking_contention_line(postgres: str) -> None:
    """Booking commits per second, in process, 20 threads on four slots (benchmarks/booking_contention.py)."""
    from benchmarks import booking_contention as bc
    from mpp.wiring import upgrade_database

    for name, url in (("sqlite", f"sqlite:///{PROJECT_ROOT / 'var' / 'bench_booking.db'}"), ("postgresql", postgres)):
        try:
            upgrade_database(url)
        except Exception as exc:
            print(f"booking commits/s ({name}): skipped, {exc.__class__.__name__}")
            continue
        bc.fresh(url)
        base_s, base_n = bc.run(url, 200, 1, quota=2, slots_used=200)
        bc.fresh(url)
        hot_s, hot_n = bc.run(url, 200, 20, quota=200, slots_used=4)
        bc.fresh(url)
        print(
            f"booking commits/s ({name}): 1 thread {base_n / base_s:.0f}, 20 threads on 4 slots "
            f"{hot_n / hot_s:.0f} (x{(hot_n / hot_s) / (base_n / base_s):.2f})"
        )


if __name__ == "__main__":
    main()
