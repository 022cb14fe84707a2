"""Ack latency under load, memory and start-up of ``partnerbot run`` against a bare Bolt app.

``python -m benchmarks.service [--seconds 30] [--rates 20,50,100] [--partnerships 10000]``
Both servers are gunicorn (gthread) on loopback; the load comes from a separate process; the
Web API is the test bench's fake Slack. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from sandbox.slack import FakeSlack
from storage import migrate
from storage.engine import make_engine
from storage.models import Member, Partnership, PartnershipStatus, Side, Workspace

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-signing-secret"


def seed(url: str, partnerships: int) -> int:
    """The shared channel's partnership plus ``partnerships - 1`` others; returns its id."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Workspace), [{"team_id": "T_VENDOR", "active": True, "installed_at": now}]
        )
        rows = [
            {
                "channel_id": "C0SHARED" if i == 0 else f"C{i:08d}",
                "partner_name": f"Partner {i}",
                "vendor_team_id": "T_VENDOR",
                "partner_team_id": "T_PARTNER" if i == 0 else f"T{i}",
                "status": PartnershipStatus.ACTIVE,
                "time_zone": "America/New_York",
                "holiday_country": "US",
                "created_by": "U_TM",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(partnerships)
        ]
        connection.execute(insert(Partnership), rows)
        first = connection.execute(
            Partnership.__table__.select().where(Partnership.channel_id == "C0SHARED")
        ).first()
        members = [
            {
                "partnership_id": first.id,
                "user_id": "U_TM",
                "side": Side.VENDOR,
                "is_owner": True,
                "is_approver": False,
            },
            {
                "partnership_id": first.id,
                "user_id": "U_DANA",
                "side": Side.PARTNER,
                "is_owner": False,
                "is_approver": False,
                "contact_role": "sales",
            },
        ]
        connection.execute(insert(Member), members)
    engine.dispose()
    return int(first.id)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process and its children (gunicorn's master and worker), in MiB.

    RSS counts pages the worker shares with the master twice; PSS splits shared pages
    between the processes, so its sum is the memory the server really takes.
    """
    rss = pss = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return time.perf_counter() - started
        except urllib.error.HTTPError as answered:  # the bare app answers 404: it is up
            if answered.code < 500:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise SystemExit("server did not come up")


def start(command: list[str], env: dict[str, str], health: str) -> tuple[subprocess.Popen, float]:
    log = Path(tempfile.gettempdir()) / f"partnerbot-bench-{command[-1]}.log"
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    return process, wait_healthy(health, process)


def load(port: int, rate: int, seconds: int, pid: int, response_url: str) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.loadgen",
            f"http://127.0.0.1:{port}/slack/events",
            str(rate),
            str(seconds),
            SECRET,
            str(pid),
            response_url,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    if not ordered:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "max": ordered[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rates", default="20,50,100")
    parser.add_argument("--partnerships", type=int, default=10_000)
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    fake = FakeSlack().start()
    fake.add_user("U_TM", "T_VENDOR", "Terry TM")
    fake.add_user("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin")
    workdir = Path(tempfile.mkdtemp(prefix="partnerbot-bench-"))
    database = f"sqlite:///{workdir / 'bench.db'}"
    partnership_id = seed(database, args.partnerships)

    base = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    base.update(
        {
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-benchmark",
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": database,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    bot_port, bare_port = free_port(), free_port()
    bot, startup = start(
        [sys.executable, "-m", "bot", "run"],
        base | {"PORT": str(bot_port)},
        f"http://127.0.0.1:{bot_port}/healthz",
    )
    rows = []
    bare = None
    try:
        bare, _ = start(
            [sys.executable, "-m", "benchmarks.bare_app"],
            base | {"PORT": str(bare_port)},
            f"http://127.0.0.1:{bare_port}/healthz",
        )
        time.sleep(1)
        idle = memory_mib(bot.pid)
        for rate in rates:
            for name, port in (("bare ack()", bare_port), ("partnerbot", bot_port)):
                result = load(port, rate, args.seconds, partnership_id, fake.response_url())
                figures = percentiles(result["latencies"])
                rows.append((rate, name, len(result["latencies"]), len(result["errors"]), figures))
        after = memory_mib(bot.pid)
    finally:
        for process in (bot, bare):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        fake.stop()

    print(
        f"\npartnerbot run with {args.partnerships:,} partnerships in SQLite; "
        f"{args.seconds} s per rate; load from a separate process\n"
    )
    print("| rate (req/s) | server | answered | errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for rate, name, answered, errors, f in rows:
        print(
            f"| {rate} | {name} | {answered} | {errors} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['p99']:.1f} | {f['max']:.1f} |"
        )
    ratio = {rate: None for rate in rates}
    for rate in rates:
        bare_p99 = next(f["p99"] for r, n, *_, f in rows if r == rate and n == "bare ack()")
        bot_p99 = next(f["p99"] for r, n, *_, f in rows if r == rate and n == "partnerbot")
        ratio[rate] = bot_p99 / bare_p99 if bare_p99 else float("nan")
    print("\n| measure | value |")
    print("| --- | --- |")
    for rate in rates:
        print(f"| p99 partnerbot / bare at {rate} req/s | {ratio[rate]:.2f} x |")
    print(f"| start-up: `partnerbot run` to first 200 from /healthz | {startup:.2f} s |")
    print(f"| memory idle, master + worker: RSS / PSS | {idle[0]:.0f} / {idle[1]:.0f} MiB |")
    print(f"| memory after the load: RSS / PSS | {after[0]:.0f} / {after[1]:.0f} MiB |")


if __name__ == "__main__":
    main()
