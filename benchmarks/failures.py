"""Failures: how long ``/partner`` takes to answer when Slack refuses the modal it opens.

``python -m benchmarks.failures [--runs 5]``
The app as the tests drive it (signed requests, listeners on a thread pool, SQLite), the Web
API the test bench's fake Slack over HTTP on loopback. ``/partner`` in an unlinked channel
opens the setup modal; ``views.open`` answers normally, refuses for good (``ok: false``,
``expired_trigger_id``), fails once with a 500, or is rate limited once (429, Retry-After 1).
For each, ``--runs`` commands: the time until the request is acknowledged and until its
listener has finished (with the person told on failure), and how many ``views.open`` calls
one command made. Prints a table. (The tests check what is answered and retried; these are
the wall-clock figures.)
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from slack_bolt import BoltRequest

from sandbox import requests as rq
from sandbox.slack import FakeSlack, Fault
from storage import migrate
from storage.engine import make_engine, make_session_factory
from tests.bench.harness import CHANNEL, SECRET, VENDOR, SlackBench, bench_settings

FAULTS: dict[str, Fault | None] = {
    "none": None,
    "ok: false, expired_trigger_id": Fault(error="expired_trigger_id"),
    "500 once": Fault(status=500),
    "429 once, Retry-After 1": Fault(status=429, error="ratelimited", retry_after=1),
}


def run(bench: SlackBench, fault: Fault | None) -> tuple[float, float, int]:
    """One ``/partner``: seconds to the ack, seconds until done, views.open calls made."""
    fake = bench.fake
    before = len(fake.calls_to("views.open"))
    if fault is not None:
        fake.fail("views.open", fault)
    body = rq.command_body(
        "/partner",
        "",
        user="U_TM",
        team=VENDOR,
        channel=CHANNEL,
        response_url=fake.response_url("partner"),
    )
    request = BoltRequest(body=body, headers=rq.signed_headers(SECRET, body))
    started = time.perf_counter()
    response = bench.app.dispatch(request)
    acked = time.perf_counter() - started
    bench.executor.wait_idle(timeout=60)
    done = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"/partner answered {response.status}: {response.body}")
    return acked, done, len(fake.calls_to("views.open")) - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="commands per kind of failure")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # the failures are the point; their tracebacks are not

    fake = FakeSlack(bot_team=VENDOR).start()
    fake.add_user("U_TM", VENDOR, "Terry TM", "America/New_York")
    database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='partnerbot-failures-')) / 'f.db'}"
    engine = make_engine(database)
    migrate.upgrade(engine)
    bench = SlackBench(fake, make_session_factory(engine), bench_settings(fake, database))
    run(bench, None)  # warm up: imports, first connections

    rows = []
    for name, fault in FAULTS.items():
        results = [run(bench, fault) for _ in range(args.runs)]
        acks = [r[0] for r in results]
        dones = [r[1] for r in results]
        calls = sorted({r[2] for r in results})
        rows.append((name, acks, dones, calls))
    bench.executor.shutdown(wait=True)
    fake.stop()
    engine.dispose()

    print(
        f"\n/partner when views.open fails: {args.runs} commands each; SQLite; fake Slack "
        "over HTTP\n"
    )
    print("| views.open answers | ack, median / max | done, median / max | views.open calls |")
    print("| --- | --- | --- | --- |")
    for name, acks, dones, calls in rows:
        print(
            f"| {name} | {statistics.median(acks) * 1000:.0f} / {max(acks) * 1000:.0f} ms "
            f"| {statistics.median(dones) * 1000:.0f} / {max(dones) * 1000:.0f} ms "
            f"| {', '.join(map(str, calls))} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
