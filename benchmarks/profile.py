"""Where a request's CPU goes: the summary command, clicks, a modal submission, App Home.

``python -m benchmarks profile [--requests 300] [--top 12] [--kinds summary,click,...]
[--instructions]``
The app as ``partnerbot run`` builds it (SQLite in a file; the Web API the test bench's fake
Slack, in a process of its own), fed signed requests through the WSGI app the server runs.
Served, Bolt runs each listener on its listener pool while the request's thread waits for
the ack; here the pool runs it on the request's own thread, so one profile holds the whole
request: the signature, Bolt's middleware, the listener and what is sent after the ack.
Kinds: ``summary`` (``/partner`` in a linked channel), ``click`` (the summary's button, by
the partner), ``rule`` (the Rulebook button), ``promise`` (a promise's Snooze), ``submission``
(the win modal: a win saved and celebrated), ``home`` (App Home opened) and ``bare`` (a Bolt
app that only acks ``/partner``, for comparison). For each: the CPU time of that thread per
request, then the profile (cProfile, which adds its own cost to every call): time by
package, the functions with the most own time and partnerbot's with the most cumulative
time. Waiting on the fake Slack shows as socket calls.

CPU time on a shared machine moves by a third from run to run. ``--instructions`` counts
instead (valgrind's callgrind, which must be installed): the instructions the process runs
per request of each kind (40 by default), the same however busy the machine is; run under
valgrind, it takes a minute or two.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import logging
import multiprocessing
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import select

from benchmarks import bare_app
from bot.app import create_app
from bot.server import make_wsgi
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import FakeSlack
from storage import migrate
from storage.engine import make_engine, make_session_factory
from storage.models import Partnership, Promise, Proposal
from tests.bench.harness import CHANNEL, PARTNER, SECRET, VENDOR, SlackBench, bench_settings
from tests.bench.scenarios import link_partnership

VIEW_IDS = itertools.count(1)
# CPU time is read per batch of requests: the best batch is the figure least disturbed by
# other work on the machine, the median the usual one.
BATCH = 25
KINDS = ("summary", "click", "rule", "promise", "submission", "home", "bare")


class InlineExecutor(Executor):
    """Runs what Bolt submits at once, on the calling thread, so the profile sees it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # Bolt's own runner catches the listener's errors
            future.set_exception(error)
        return future


def world(bench: SlackBench) -> dict[str, Any]:
    """A linked partnership with a rule agreed, one waiting, wins and a promise."""
    partnership = link_partnership(bench)
    today = date.today()
    for title in ("Deal registration window", "Lead sharing"):
        bench.command("/roe")
        bench.submit(
            {
                B.RULE_TITLE: rq.text(title),
                B.RULE_TEXT: rq.text("A registered deal is protected for 90 days."),
                B.RULE_CATEGORY: rq.option("deal_registration"),
            }
        )
    with bench.session() as session:
        first = session.scalars(select(Proposal).order_by(Proposal.id)).first()
        assert first is not None
        proposal_id, version = first.id, first.current_version
    bench.click(Action.ROE_APPROVE, f"{proposal_id}:{version}", user="U_DANA", user_team=PARTNER)
    for amount in ("125,000", "80k", "1.2M"):
        bench.command("/win")
        bench.submit(win_values(amount, today))
    bench.command("/promise")
    bench.submit(
        {
            B.PROMISE_OWED_TO: rq.user("U_DANA"),
            B.PROMISE_RAW_DEAL: rq.text("We took the Globex deal direct"),
            B.PROMISE_TEXT: rq.text("Register your next three Globex opportunities first"),
            B.PROMISE_DUE: rq.date((today + timedelta(days=10)).isoformat()),
        }
    )
    with bench.session() as session:
        promise = session.scalars(select(Promise)).first()
        assert promise is not None and session.get(Partnership, partnership.id) is not None
        return {"partnership": partnership.id, "promise": promise.id}


def win_values(amount: str, closed_on: date) -> dict[str, dict[str, Any]]:
    return {
        B.WIN_HEADLINE: rq.text("Acme renewal"),
        B.WIN_KIND: rq.option("deal"),
        B.WIN_AMOUNT: rq.text(amount),
        B.WIN_CURRENCY: rq.text("USD"),
        B.WIN_NEW_PRODUCT_LINE: rq.text("Cloud Backup"),
        B.WIN_CLOSED_ON: rq.date(closed_on.isoformat()),
        B.WIN_PARTNER_CREDITS: rq.users("U_DANA"),
        B.WIN_VENDOR_CREDITS: rq.users("U_TM", "U_CAM"),
        B.WIN_STORY: rq.text("Dana brought us in early; Casey ran the proof of concept."),
    }


def requests(
    response_url: Callable[[str], str], ids: dict[str, Any], win_view: dict[str, Any]
) -> dict[str, Any]:
    """For each kind, a function making a fresh request body (and its content type)."""
    form = "application/x-www-form-urlencoded"

    def click(
        action: str, value: str, user: str, team: str, option: str | None = None
    ) -> Callable[[], tuple[str, str]]:
        return lambda: (
            rq.action_body(
                action,
                value,
                user=user,
                user_team=team,
                app_team=VENDOR,
                channel=CHANNEL,
                message={"ts": "1.000001", "text": ""},
                response_url=response_url("action"),
                selected_option=option,
            ),
            form,
        )

    return {
        "summary": lambda: (
            rq.command_body(
                "/partner",
                "",
                user="U_TM",
                team=VENDOR,
                channel=CHANNEL,
                response_url=response_url("partner"),
            ),
            form,
        ),
        "click": click(Action.SHOW_SUMMARY, str(ids["partnership"]), "U_DANA", PARTNER),
        "rule": click(Action.ROE_RULEBOOK, str(ids["partnership"]), "U_DANA", PARTNER),
        "promise": click(Action.PROMISE_SNOOZE, "", "U_TM", VENDOR, f"{ids['promise']}:1d"),
        "submission": lambda: (
            rq.view_submission_body(
                win_view | {"id": f"V{next(VIEW_IDS):08d}"},  # each a new modal
                win_values("125,000", date.today()),
                user="U_TM",
                user_team=VENDOR,
                app_team=VENDOR,
            ),
            form,
        ),
        "home": lambda: (
            rq.event_body(
                {"type": "app_home_opened", "user": "U_TM", "channel": "D0TM", "tab": "home"},
                team=VENDOR,
            ),
            "application/json",
        ),
    }


USERS = (
    ("U_TM", VENDOR, "Terry TM", "America/New_York"),
    ("U_CAM", VENDOR, "Casey CAM", "America/Chicago"),
    ("U_DANA", PARTNER, "Dana", "Europe/Berlin"),
    ("U_PAT", PARTNER, "Pat", "Europe/Berlin"),
)


def fake_slack() -> FakeSlack:
    fake = FakeSlack(bot_team=VENDOR).start()
    for user, team, name, zone in USERS:
        fake.add_user(user, team, name, zone)
    return fake


def serve_fake(connection: Connection) -> None:
    """A fake Slack in a process of its own: its work isn't counted as the app's."""
    fake = fake_slack()
    connection.send(fake.url)
    connection.recv()  # until told to stop
    fake.stop()


def post(wsgi: Any, body: str, content_type: str) -> int:
    raw = body.encode()
    headers = rq.signed_headers(SECRET, body, content_type=content_type)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": content_type,
        "wsgi.input": io.BytesIO(raw),
    }
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    setup_testing_defaults(environ)
    seen: list[int] = []

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        seen.append(int(status.split()[0]))

    b"".join(wsgi(environ, start_response))
    return seen[0]


ROOT = str(Path(__file__).resolve().parent.parent) + "/"


def area(filename: str, name: str) -> str:
    """What a profiled function belongs to: a package, partnerbot's own code, or builtins."""
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if filename.startswith(ROOT):
        return "partnerbot " + filename[len(ROOT) :].split("/")[0] + "/"
    if filename == "~":
        return "builtins " + name.split("'")[1] if "'" in name else "builtins"
    return "stdlib " + Path(filename).stem


def report(profile: cProfile.Profile, count: int, requests: int) -> list[str]:
    """The profile in ms of CPU per request: by package, the functions with the most own
    time, and partnerbot's functions with the most cumulative time."""
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    areas: dict[str, float] = {}
    rows = []
    for (filename, line, name), (_cc, calls, own, total, _callers) in stats.items():
        areas[area(filename, name)] = areas.get(area(filename, name), 0.0) + own
        where = filename.split("site-packages/")[-1].replace(ROOT, "")
        rows.append((own, total, calls, f"{where}:{line}({name})", filename.startswith(ROOT)))
    per = 1000 / requests
    out = ["  by package (own time):"]
    out += [
        f"    {ms * per:7.3f}  {what}"
        for what, ms in sorted(areas.items(), key=lambda kv: -kv[1])[:count]
    ]
    out.append("  functions by own time (own, cumulative, calls per request):")
    out += [
        f"    {own * per:7.3f} {total * per:7.3f} {calls / requests:6.1f}  {where[:88]}"
        for own, total, calls, where, _ in sorted(rows, key=lambda r: -r[0])[:count]
    ]
    out.append("  partnerbot's functions by cumulative time (own, cumulative, calls per request):")
    ours = [r for r in rows if r[4] and "benchmarks/" not in r[3]]
    out += [
        f"    {own * per:7.3f} {total * per:7.3f} {calls / requests:6.1f}  {where[:88]}"
        for own, total, calls, where, _ in sorted(ours, key=lambda r: -r[1])[:count]
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="per kind of request")
    parser.add_argument("--top", type=int, default=12, help="profile lines shown per part")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"some of {','.join(KINDS)}")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        count_instructions(args.kinds, args.requests if args.requests != 300 else 40)
        return
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise SystemExit(f"unknown kinds {', '.join(sorted(unknown))}: choose from {KINDS}")
    logging.basicConfig(level=logging.WARNING)

    # The world is made through a fake Slack in this process (the set-up reads what it
    # shows); the requests measured go to another one in a process of its own.
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='partnerbot-profile-')) / 'profile.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    setup_fake = fake_slack()
    setup = SlackBench(setup_fake, sessions, bench_settings(setup_fake, database_url=url))
    ids = world(setup)
    setup.command("/win")
    win_view = setup.last_view()
    setup.executor.shutdown(wait=True)
    setup_fake.stop()

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve_fake, args=(theirs,), daemon=True)
    child.start()
    fake_url = ours.recv()
    base = fake_url.removesuffix("/api/")
    settings = bench_settings(setup_fake, database_url=url, slack_api_url=fake_url)
    app = create_app(
        settings, sessions, listener_executor=InlineExecutor(), token_verification=False
    )
    wsgi = make_wsgi(app, engine)
    makers = requests(lambda name: f"{base}/response/{name}", ids, win_view)
    if "bare" in kinds:
        os.environ.update(
            {
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_BOT_TOKEN": "xoxb-bare",
                "SLACK_API_URL": fake_url,
            }
        )
        bare = bare_app.build(listener_executor=InlineExecutor())
        bare_wsgi = SlackRequestHandler(bare)
    print(
        f"\nCPU per request of the serving thread, {args.requests} requests per kind "
        "(listeners inline; SQLite; the fake Slack in its own process)\n"
    )
    print(
        f"| request | CPU ms per request, best batch of {BATCH} | median batch "
        "| wall ms per request | status |"
    )
    print("| --- | --- | --- | --- | --- |")
    profiles: dict[str, cProfile.Profile] = {}
    try:
        if args.counted:  # under callgrind (count_instructions): count each kind's requests
            for kind in kinds:
                make = makers["summary" if kind == "bare" else kind]
                serve = bare_wsgi if kind == "bare" else wsgi
                for _ in range(20):
                    post(serve, *make())
                bodies = [make() for _ in range(args.requests)]
                callgrind("--zero")
                callgrind("--instr=on")
                for body in bodies:
                    post(serve, *body)
                callgrind("--instr=off")
                callgrind(f"--dump={kind}")
            return
        for kind in kinds:
            make = makers["summary" if kind == "bare" else kind]
            serve = bare_wsgi if kind == "bare" else wsgi
            for _ in range(20):  # warm up: imports, caches, the first users.info
                post(serve, *make())
            statuses: set[int] = set()
            batches: list[float] = []  # CPU ms per request, batch by batch
            wall = time.perf_counter()
            for start in range(0, args.requests, BATCH):
                bodies = [make() for _ in range(min(BATCH, args.requests - start))]
                cpu = time.thread_time()
                for body in bodies:
                    statuses.add(post(serve, *body))
                batches.append((time.thread_time() - cpu) * 1000 / len(bodies))
            wall = time.perf_counter() - wall
            print(
                f"| {kind} | {min(batches):.2f} | {statistics.median(batches):.2f} | "
                f"{wall * 1000 / args.requests:.2f} | {','.join(map(str, sorted(statuses)))} |"
            )
            profile = cProfile.Profile()
            bodies = [make() for _ in range(args.requests)]
            profile.enable()
            for body in bodies:
                post(serve, *body)
            profile.disable()
            profiles[kind] = profile
    finally:
        ours.send("stop")
        child.join(timeout=10)
    for kind, profile in profiles.items():
        print(f"\n{kind}: the profile, ms per request (the profiler's own cost included)")
        print("\n".join(report(profile, args.top, args.requests)))


def callgrind(command: str) -> None:
    """Tell the callgrind running this process to do ``command`` (zero, instr=on, dump=...)."""
    subprocess.run(
        ["callgrind_control", command, str(os.getpid())], check=True, capture_output=True
    )


def count_instructions(kinds: str, requests: int) -> None:
    """Run this benchmark under callgrind, counting only the requests; print the counts."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    out = Path(tempfile.mkdtemp(prefix="partnerbot-callgrind-"))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.%p",
            sys.executable,
            "-m",
            "benchmarks",
            "profile",
            "--counted",
            "--kinds",
            kinds,
            "--requests",
            str(requests),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    counts: dict[str, int] = {}
    for dump in sorted(out.glob("callgrind.*.*")):
        text = dump.read_text(errors="replace")
        kind = next(
            (line.rsplit(" ", 1)[1] for line in text.splitlines() if "Trigger: dump " in line),
            None,
        )
        total = next(
            (line.split()[1] for line in text.splitlines() if line.startswith("totals:")), "0"
        )
        if kind is not None:
            counts[kind] = int(total)
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"\nInstructions per request, {requests} requests per kind (callgrind; listeners inline; "
        "SQLite; the fake Slack in its own process)\n"
    )
    print("| request | million instructions per request |")
    print("| --- | --- |")
    for kind in kinds.split(","):
        if kind in counts:
            print(f"| {kind} | {counts[kind] / requests / 1e6:.2f} |")


if __name__ == "__main__":
    main()
