"""``python -m benchmarks [scheduler|service|kpis ...]``: run benchmarks and print their figures.

With no name, runs the scheduler benchmark (quick); ``service`` starts gunicorn servers and
takes a few minutes; ``kpis`` times the App Home and a KPI report over 50,000 wins. Arguments
after the name go to that benchmark.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("scheduler", "service", "kpis")


def main(argv: list[str]) -> int:
    name = argv[0] if argv and not argv[0].startswith("-") else "scheduler"
    rest = argv[1:] if argv and argv[0] == name else argv
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
        return 2
    module = importlib.import_module(f"benchmarks.{name}")
    sys.argv = [f"python -m benchmarks.{name}", *rest]
    return int(module.main() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
