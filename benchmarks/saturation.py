"""Saturation: the request rate one process holds, stepped up until it doesn't.

``python -m benchmarks saturation [--seconds 10] [--rates 50,100,150,200,250,300,400]
[--partnerships 10000] [--pg URL] [--workers 1,2] [--no-sqlite]``

The servers and the load are the ``service`` benchmark's: ``partnerbot run`` (gunicorn,
one worker, SQLite with 10,000 partnerships) and a bare Bolt app that only calls ``ack()``,
served the same way, driven from a separate process with signed requests at fixed rates,
half ``/partner`` summary commands in a linked channel and half summary button clicks. Each
server's rate is stepped up until its p99 passes Slack's 3 s or a request fails; with
``--pg`` (default: PARTNERBOT_TEST_DATABASE_URL) partnerbot is also run on PostgreSQL with
each number of ``--workers``. For each step: answered, errors, p50, p99, the server's CPU
per request (user and system time of gunicorn's master and workers, from /proc, over the
step), the share of the machine's CPU time its hypervisor gave to other machines meanwhile
(steal: on a shared VM the same work costs more CPU time while it is high) and whether
``/healthz`` said saturated during it. ``--seconds 5`` makes a quick run.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from dataclasses import dataclass, field

from benchmarks.service import Stack, percentiles

SLACK_WAITS_MS = 3000


@dataclass
class Server:
    name: str
    database: str | None  # None: SQLite
    workers: int = 1
    bare: bool = False
    rows: list[tuple[int, dict]] = field(default_factory=list)
    done: bool = False


def watch_health(stack: Stack, stop: threading.Event, seen: list[bool]) -> None:
    """Ask /healthz twice a second; note whether it ever said saturated."""
    while not stop.wait(0.5):
        try:
            status, _ = stack.healthz()
        except OSError:  # the probe itself waited too long: the server is past saturated
            seen.append(True)
            continue
        seen.append(status == 503)


def step(stack: Stack, name: str, rate: int, seconds: float, health: bool) -> dict:
    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=watch_health, args=(stack, stop, seen), daemon=True)
    if health:
        watcher.start()
    try:
        result = stack.measure(name, rate, seconds)
    finally:
        stop.set()
        if health:
            watcher.join(timeout=10)
    figures = percentiles(result["latencies"])
    return figures | {
        "answered": len(result["latencies"]),
        "errors": len(result["errors"]),
        "cpu": result["cpu_ms"],
        "stolen": result["stolen"],
        "saturated": ("yes" if any(seen) else "no") if health else "—",
    }


def run(server: Server, rates: list[int], seconds: float, partnerships: int) -> None:
    env = {"WEB_CONCURRENCY": str(server.workers)}
    with Stack(
        partnerships,
        database=server.database,
        env=env,
        bare=server.bare,
        partnerbot=not server.bare,
    ) as stack:
        name = "bare ack()" if server.bare else "partnerbot"
        time.sleep(1)
        for rate in rates:
            figures = step(stack, name, rate, seconds, health=not server.bare)
            server.rows.append((rate, figures))
            print(
                f"  {server.name} at {rate} req/s: p99 {figures['p99']:.0f} ms, "
                f"{figures['errors']} errors, {figures['cpu']:.2f} ms CPU per request "
                f"({figures['stolen']:.0%} of the machine's CPU stolen)",
                flush=True,
            )
            if figures["errors"] or not figures["p99"] <= SLACK_WAITS_MS:
                break  # past what it holds: higher rates only fail more
            time.sleep(2)  # let a backlog drain before the next step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10, help="per step")
    parser.add_argument("--rates", default="50,100,150,200,250,300,400")
    parser.add_argument("--partnerships", type=int, default=10_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("PARTNERBOT_TEST_DATABASE_URL"),
        help="a PostgreSQL URL (default: PARTNERBOT_TEST_DATABASE_URL; '' to skip)",
    )
    parser.add_argument("--workers", default="1,2", help="worker processes on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    servers = [Server("bare ack()", None, bare=True)]
    if not args.no_sqlite:
        servers.append(Server("partnerbot, SQLite, 1 worker", None))
    if args.pg:
        for workers in (int(w) for w in args.workers.split(",")):
            plural = "s" if workers > 1 else ""
            servers.append(
                Server(f"partnerbot, PostgreSQL, {workers} worker{plural}", args.pg, workers)
            )
    else:
        print("PostgreSQL skipped: pass --pg URL or set PARTNERBOT_TEST_DATABASE_URL")
    for server in servers:
        run(server, rates, args.seconds, args.partnerships)

    print(
        f"\n{args.seconds:g} s per step; half /partner summary commands, half summary clicks; "
        f"{args.partnerships:,} partnerships; load from a separate process on "
        f"{os.cpu_count()} CPUs shared with the servers\n"
    )
    print(
        "| rate (req/s) | server | answered | errors | p50 ms | p99 ms | CPU ms per request "
        "| CPU stolen | /healthz said saturated |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for rate in rates:
        for server in servers:
            for row_rate, f in server.rows:
                if row_rate == rate:
                    print(
                        f"| {rate} | {server.name} | {f['answered']} | {f['errors']} | "
                        f"{f['p50']:.1f} | {f['p99']:.1f} | {f['cpu']:.2f} | {f['stolen']:.0%} | "
                        f"{f['saturated']} |"
                    )
    print(
        "\n| server | highest rate answered with p99 under 100 ms, no errors "
        "| highest rate before p99 passes 3 s or errors appear |"
    )
    print("| --- | --- | --- |")
    for server in servers:
        fast = [r for r, f in server.rows if not f["errors"] and f["p99"] < 100]
        held = [r for r, f in server.rows if not f["errors"] and f["p99"] <= SLACK_WAITS_MS]
        print(
            f"| {server.name} | {max(fast) if fast else 'none'} req/s "
            f"| {max(held) if held else 'none'} req/s |"
        )


if __name__ == "__main__":
    main()
