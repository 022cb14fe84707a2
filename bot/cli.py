"""The ``partnerbot`` command line: run, migrate, check, tick, schedule, sandbox, deals.

``run`` imports only what gunicorn's master needs (see bot/launch.py); the other commands
live in bot/commands.py with the database and Slack modules they use. Without any Slack
credentials, ``run`` starts the local sandbox (a Slack stand-in) instead of stopping.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.logs import configure_logging
from bot.settings import ConfigError, Settings, load_settings


def moment(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date and time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def no_slack_credentials(settings: Settings) -> bool:
    """Nothing says which Slack to serve: no token, no signing secret, no OAuth app."""
    return not any(
        (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_id,
        )
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="partnerbot", description="partnerbot for Slack")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate the database and serve Slack (HTTP or Socket Mode)")
    commands.add_parser("migrate", help="upgrade the database to the latest schema")
    commands.add_parser("check", help="check the configuration, database and Slack token")
    tick = commands.add_parser("tick", help="run one scheduler pass and report what it sent")
    tick.add_argument("--at", type=moment, help="as if it were this moment (ISO 8601; default now)")
    schedule = commands.add_parser("schedule", help="print the upcoming reviews")
    schedule.add_argument("--days", type=int, default=14, help="how far ahead (default 14)")
    sandbox = commands.add_parser(
        "sandbox", help="serve a local Slack stand-in with a web page, and partnerbot against it"
    )
    sandbox.add_argument("--empty", action="store_true", help="without the demo partnership")
    deals = commands.add_parser(
        "deals", help="keep deal registrations in step with the CRM (import and export CSV)"
    )
    deal_commands = deals.add_subparsers(dest="deals_command", required=True)
    load = deal_commands.add_parser(
        "import", help="create or update registrations from a CSV file of opportunities"
    )
    load.add_argument("file", help="the CSV file (- for standard input)")
    load.add_argument(
        "--dry-run", action="store_true", help="report what would change, change nothing"
    )
    load.add_argument("--team", help="the vendor workspace (team id) when there are several")
    save = deal_commands.add_parser("export", help="write the registrations as a CSV file")
    save.add_argument(
        "file", nargs="?", default="-", help="the CSV file (default: standard output)"
    )
    save.add_argument("--team", help="the vendor workspace (team id) when there are several")
    save.add_argument("--channel", help="only this partnership's registrations (its channel id)")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        if args.command == "sandbox" or (args.command == "run" and no_slack_credentials(settings)):
            from sandbox.server import serve as serve_sandbox

            reason = "" if args.command == "sandbox" else "No Slack credentials"
            return serve_sandbox(settings.port, getattr(args, "empty", False), reason)
        if args.command == "run":
            from bot.launch import serve

            serve(settings)
            return 0
        from bot import commands

        if args.command == "deals":
            return commands.deals(args.deals_command, settings, args)
        return commands.run(
            args.command, settings, getattr(args, "days", 14), getattr(args, "at", None)
        )
    except ConfigError as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return 2
