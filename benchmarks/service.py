"""Ack latency under load, memory and start-up of ``partnerbot run`` against a bare Bolt app.

``python -m benchmarks.service [--seconds 30] [--rates 20,50,100] [--partnerships 10000]
[--traffic mix|summary|click]``
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
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import insert, text

from benchmarks.loadgen import MIXES
from sandbox.slack import FakeSlack
from storage import migrate
from storage.engine import make_engine
from storage.models import Member, Partnership, PartnershipStatus, Side, Workspace

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-signing-secret"
TRAFFIC = {
    "mix": "half summary commands, half summary clicks",
    "summary": "summary commands only",
    "click": "summary clicks only",
}


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
    for p in process_tree(pid):
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (gunicorn's master and its workers)."""
    pids, i = [pid], 0
    while i < len(pids):
        children = Path(f"/proc/{pids[i]}/task/{pids[i]}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        i += 1
    return pids


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its descendants, all their threads."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a child that just exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def machine_ticks() -> tuple[int, int]:
    """(all CPU time, time stolen by the hypervisor) of the machine so far, in ticks."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(fields), fields[7]


def stolen_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of the machine's CPU time a hypervisor gave to others meanwhile (0 to 1): on
    a shared VM, the same work costs more CPU time while it is high."""
    total = after[0] - before[0]
    return (after[1] - before[1]) / total if total > 0 else 0.0


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


def load(
    port: int,
    rate: int,
    seconds: float,
    pid: int,
    response_url: str,
    server: int | None = None,
    mix: str = "mix",
) -> dict:
    """Run the load generator; with ``server`` (its pid) also the server's CPU per request."""
    before = cpu_seconds(server) if server is not None else 0.0
    machine = machine_ticks()
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.loadgen",
            f"http://127.0.0.1:{port}/slack/events",
            str(rate),
            f"{seconds:g}",
            SECRET,
            str(pid),
            response_url,
            mix,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output)
    result["stolen"] = stolen_share(machine, machine_ticks())
    if server is not None:
        time.sleep(0.3)  # what a listener does after its answer counts too
        result["cpu_ms"] = (cpu_seconds(server) - before) * 1000 / max(1, result["sent"])
    return result


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


class Stack:
    """``partnerbot run`` and the bare Bolt app side by side, on one fake Slack and a seeded
    database; ``measure`` runs the load generator against one of them.

    ``database`` is SQLite in a new folder unless given (a PostgreSQL URL: the seed goes in a
    throw-away schema); ``env`` adds to both servers' environment (``WEB_CONCURRENCY``, ...).
    """

    def __init__(
        self,
        partnerships: int = 10_000,
        database: str | None = None,
        env: dict[str, str] | None = None,
        bare: bool = True,
        partnerbot: bool = True,
    ) -> None:
        self.partnerships = partnerships
        self.database = database
        self.env = env or {}
        self.with_bare = bare
        self.with_partnerbot = partnerbot
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.startup = 0.0
        self.schema: str | None = None

    def __enter__(self) -> Stack:
        self.fake = FakeSlack().start()
        self.fake.add_user("U_TM", "T_VENDOR", "Terry TM")
        self.fake.add_user("U_DANA", "T_PARTNER", "Dana", "Europe/Berlin")
        if self.database is None:
            workdir = Path(tempfile.mkdtemp(prefix="partnerbot-bench-"))
            url = f"sqlite:///{workdir / 'bench.db'}"
        else:
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(self.database)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            url = with_search_path(self.database, self.schema)
        self.url = url
        self.partnership_id = seed(url, self.partnerships)
        base = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        base.update(
            {
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_BOT_TOKEN": "xoxb-benchmark",
                "SLACK_API_URL": self.fake.url,
                "DATABASE_URL": url,
                "PYTHONPATH": str(ROOT),
            }
        )
        base.update(self.env)
        try:
            if self.with_partnerbot:
                self.ports["partnerbot"] = free_port()
                self.processes["partnerbot"], self.startup = start(
                    [sys.executable, "-m", "bot", "run"],
                    base | {"PORT": str(self.ports["partnerbot"])},
                    f"http://127.0.0.1:{self.ports['partnerbot']}/healthz",
                )
            if self.with_bare:
                self.ports["bare ack()"] = free_port()
                self.processes["bare ack()"], _ = start(
                    [sys.executable, "-m", "benchmarks.bare_app"],
                    base | {"PORT": str(self.ports["bare ack()"])},
                    f"http://127.0.0.1:{self.ports['bare ack()']}/healthz",
                )
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes.values():
            process.terminate()
            process.wait(timeout=30)
        self.fake.stop()
        if self.schema is not None and self.database is not None:
            admin = make_engine(self.database)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()

    def measure(self, name: str, rate: int, seconds: float, mix: str = "mix") -> dict:
        """Load ``name`` at ``rate`` for ``seconds``: latencies, errors, CPU ms per request."""
        return load(
            self.ports[name],
            rate,
            seconds,
            self.partnership_id,
            self.fake.response_url(),
            self.processes[name].pid,
            mix,
        )

    def healthz(self, name: str = "partnerbot") -> tuple[int, str]:
        url = f"http://127.0.0.1:{self.ports[name]}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answered:
            return answered.code, answered.read().decode()


def with_search_path(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections work in ``schema`` (for ``partnerbot run`` too)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rates", default="20,50,100")
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument(
        "--traffic",
        choices=MIXES,
        default="mix",
        help="mix (half summary commands, half clicks), summary or click",
    )
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    rows = []
    with Stack(args.partnerships) as stack:
        time.sleep(1)
        idle = memory_mib(stack.processes["partnerbot"].pid)
        for rate in rates:
            for name in ("bare ack()", "partnerbot"):
                result = stack.measure(name, rate, args.seconds, args.traffic)
                figures = percentiles(result["latencies"]) | {
                    "cpu": result["cpu_ms"],
                    "stolen": result["stolen"],
                }
                rows.append((rate, name, len(result["latencies"]), len(result["errors"]), figures))
        after = memory_mib(stack.processes["partnerbot"].pid)
        startup = stack.startup

    print(
        f"\npartnerbot run with {args.partnerships:,} partnerships in SQLite; "
        f"{args.seconds:g} s per rate; {TRAFFIC[args.traffic]}; load from a separate process\n"
    )
    print(
        "| rate (req/s) | server | answered | errors | p50 ms | p95 ms | p99 ms | max ms "
        "| CPU ms per request | CPU stolen |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for rate, name, answered, errors, f in rows:
        print(
            f"| {rate} | {name} | {answered} | {errors} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['p99']:.1f} | {f['max']:.1f} | {f['cpu']:.2f} | {f['stolen']:.0%} |"
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
