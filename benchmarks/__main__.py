"""``python -m benchmarks [name ...]``: run benchmarks and print their figures as tables.

With no name, runs them all (about twenty minutes): ``scheduler`` (one tick over 10,000 due
reviews), ``dispatch`` (delivery rate to Slack within its per-channel limit), ``burst`` (ten
wins at once while Slack rate-limits: all celebrated once, acks in time), ``pacing`` (the
real gaps between posts to one channel), ``failures`` (how long ``/partner`` takes when Slack
refuses its modal), ``kpis`` (App Home and a KPI report over 50,000 wins), ``deals`` (the
conflict check, the funnel and the deal KPIs over 1,000 to 100,000 registrations), ``service``
(ack latency and CPU per request under load against a bare Bolt app, start-up, memory),
``sandbox`` (from ``make run`` without Slack to the page answering; the page's time to show a
post), ``profile`` (where a request's CPU goes: the summary, clicks, a submission, App
Home) and ``saturation`` (request rates stepped up until p99 passes 3 s, partnerbot beside
the bare app, on SQLite and on PostgreSQL with one and two workers).
``python -m benchmarks NAME --help`` lists a benchmark's options; arguments after a single
name go to it. Wall-clock figures live here, not in the tests: no test asserts how long
something took.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "scheduler",
    "dispatch",
    "burst",
    "pacing",
    "failures",
    "kpis",
    "deals",
    "service",
    "sandbox",
    "profile",
    "saturation",
)


def run(name: str, args: list[str]) -> int:
    module = importlib.import_module(f"benchmarks.{name}")
    sys.argv = [f"python -m benchmarks.{name}", *args]
    return int(module.main() or 0)


def main(argv: list[str]) -> int:
    if not argv:
        return max(run(name, []) for name in BENCHMARKS)
    name, rest = argv[0], argv[1:]
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
        return 2
    return run(name, rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
