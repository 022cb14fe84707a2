"""The ``partnerbot`` command line: run, migrate, check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.app import make_client
from bot.logs import configure_logging
from bot.settings import ConfigError, Settings, load_settings
from storage import migrate
from storage.engine import make_engine


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="partnerbot", description="partnerbot for Slack")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate the database and serve Slack (HTTP or Socket Mode)")
    commands.add_parser("migrate", help="upgrade the database to the latest schema")
    commands.add_parser("check", help="check the configuration, database and Slack token")
    return root


def check(settings: Settings) -> int:
    """Print what the configuration amounts to; non-zero if something is wrong."""
    problems = 0
    mode = "Socket Mode" if settings.socket_mode else f"HTTP on port {settings.port}"
    print(f"mode: {mode}")
    print(f"Slack API: {settings.slack_api_url}")
    for name, value in (
        ("SLACK_BOT_TOKEN", settings.slack_bot_token),
        ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        ("SLACK_APP_TOKEN", settings.slack_app_token),
    ):
        print(f"{name}: {'set' if value is not None else 'not set'}")
    try:
        settings.require_slack()
    except ConfigError as exc:
        print(f"problem: {exc}")
        problems += 1
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current, head = migrate.current_revision(engine), migrate.head_revision()
        state = (
            "up to date"
            if current == head
            else f"at {current}, latest is {head} (run partnerbot migrate)"
        )
        print(
            f"database: {engine.url.render_as_string(hide_password=True)} reachable, schema {state}"
        )
    except SQLAlchemyError as exc:
        print(
            f"problem: database {engine.url.render_as_string(hide_password=True)} unreachable: "
            f"{exc.__class__.__name__}"
        )
        problems += 1
    finally:
        engine.dispose()
    if settings.slack_bot_token is not None:
        try:
            auth = make_client(settings).auth_test()
            print(
                f"Slack: connected to workspace {auth.get('team')} ({auth.get('team_id')}) "
                f"as {auth.get('user')}"
            )
        except SlackApiError as exc:
            print(f"problem: Slack refused the bot token: {exc.response.get('error')}")
            problems += 1
        except OSError as exc:
            print(f"problem: can't reach Slack at {settings.slack_api_url}: {exc}")
            problems += 1
    print("all good" if not problems else f"{problems} problem(s) found")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        if args.command == "check":
            return check(settings)
        if args.command == "migrate":
            engine = make_engine(settings.database_url)
            migrate.upgrade(engine)
            print(f"database at revision {migrate.current_revision(engine)}")
            engine.dispose()
            return 0
        from bot.runtime import serve

        serve(settings)
        return 0
    except ConfigError as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(
            f"partnerbot: the database at DATABASE_URL is unusable: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 3
