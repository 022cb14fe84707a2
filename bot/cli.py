"""The ``partnerbot`` command line: run, migrate, check, tick, schedule.

``run`` imports only what gunicorn's master needs (see bot/serve.py); the other commands
live in bot/commands.py with the database and Slack modules they use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.logs import configure_logging
from bot.settings import ConfigError, load_settings


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="partnerbot", description="partnerbot for Slack")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate the database and serve Slack (HTTP or Socket Mode)")
    commands.add_parser("migrate", help="upgrade the database to the latest schema")
    commands.add_parser("check", help="check the configuration, database and Slack token")
    commands.add_parser("tick", help="run one scheduler pass now and report what it sent")
    schedule = commands.add_parser("schedule", help="print the upcoming reviews")
    schedule.add_argument("--days", type=int, default=14, help="how far ahead (default 14)")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        if args.command == "run":
            from bot.serve import serve

            serve(settings)
            return 0
        from bot import commands

        return commands.run(args.command, settings, getattr(args, "days", 14))
    except ConfigError as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return 2
