"""The commands of ``partnerbot`` other than ``run``: migrate, check, tick, schedule, deals."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.domain.deals.import_report import printable
from bot.domain.errors import DomainError
from bot.domain.text import count
from bot.settings import ConfigError, Settings
from storage import migrate
from storage.engine import make_engine, make_session_factory


def upgrade(settings: Settings) -> int:
    """``partnerbot migrate``: bring the database to the latest schema."""
    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)
        print(f"database at revision {migrate.current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def check(settings: Settings) -> int:
    """Print what the configuration amounts to; non-zero if something is wrong."""
    from bot.app import make_client  # the Slack app's modules load only when needed

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


def tick(settings: Settings, at: datetime | None = None) -> int:
    """``partnerbot tick``: one scheduler pass, and what it sent.

    With ``at``, the pass runs as if it were that moment: every clock in the process starts
    there (the ticker, the senders and the reminder plans all read "now"), so a schedule can
    be tried out without waiting for it.
    """
    if at is not None:
        from freezegun import freeze_time

        with freeze_time(at, tick=True):
            return tick(settings)
    from bot.runtime import make_ticker

    settings.require_slack()
    engine = make_engine(settings.database_url)
    try:
        report = make_ticker(settings, make_session_factory(engine)).tick()
    finally:
        engine.dispose()
    for sent in report.deliveries:
        where = f" to {sent.channel} ({sent.ts})" if sent.channel else ""
        why = f": {sent.reason}" if sent.reason else ""
        print(f"{sent.outcome.value:9} {sent.kind:18} {sent.key}{where}{why}")
    print(report.summary())
    return 0


def schedule(settings: Settings, days: int) -> int:
    """``partnerbot schedule``: the review prompts of the next ``days`` days, local and UTC."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.domain.clock import utcnow
    from bot.domain.reviews.schedules import upcoming_reviews

    if not 1 <= days <= 366:
        print("partnerbot: --days must be between 1 and 366", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    now = utcnow()
    try:
        with make_session_factory(engine)() as session:
            found = upcoming_reviews(session, now, now + timedelta(days=days))
    finally:
        engine.dispose()
    if not found:
        print(f"no reviews in the next {days} days")
        return 0
    print(f"{'partnership':30} {'channel':12} {'local time':34} UTC")
    for item in found:
        local = item.due_at.astimezone(ZoneInfo(item.partnership.time_zone))
        print(
            f"{item.partnership.partner_name[:30]:30} {item.partnership.channel_id:12} "
            f"{local:%a %Y-%m-%d %H:%M} {item.partnership.time_zone:18} "
            f"{item.due_at:%Y-%m-%d %H:%M}Z"
        )
    return 0


def deals_import(settings: Settings, path: str, dry_run: bool, team: str | None) -> int:
    """``partnerbot deals import FILE``: a line per row saying what it did (or, with
    ``--dry-run``, would do), then the totals; 1 when a row was refused, 2 when the file
    can't be read at all (then nothing changed)."""
    from bot.domain.deals.crm import vendor_team
    from bot.domain.deals.csvfile import CsvFile
    from bot.domain.deals.import_report import report_lines
    from bot.domain.deals.imports import import_opportunities

    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            try:
                vendor = vendor_team(session, team)
                rows = list(CsvFile(path).read())
            except DomainError as exc:
                print(f"partnerbot: {printable(exc.message)}", file=sys.stderr)
                return 2
            report = import_opportunities(session, rows, vendor, dry_run=dry_run)
            if dry_run:
                session.rollback()
            else:
                session.commit()
    finally:
        engine.dispose()
    for line in report_lines(report):
        print(line)
    return 1 if report.refused else 0


def deals_export(settings: Settings, path: str, team: str | None, channel: str | None) -> int:
    """``partnerbot deals export [FILE]``: every registration of the vendor as a CSV row."""
    from bot.domain.deals.crm import opportunities, vendor_team
    from bot.domain.deals.csvfile import STDIO, CsvFile

    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            try:
                vendor = vendor_team(session, team)
                written = CsvFile(path).write(opportunities(session, vendor, channel))
            except DomainError as exc:
                print(f"partnerbot: {printable(exc.message)}", file=sys.stderr)
                return 2
            except OSError as exc:
                print(f"partnerbot: can't write {path}: {exc.strerror}", file=sys.stderr)
                return 2
    finally:
        engine.dispose()
    if path != STDIO:
        print(f"{count(written, 'registration')} written to {path}")
    return 0


def deals(command: str, settings: Settings, args: argparse.Namespace) -> int:
    """``partnerbot deals import|export``."""
    if command == "import":
        return guarded(lambda: deals_import(settings, args.file, args.dry_run, args.team))
    return guarded(lambda: deals_export(settings, args.file, args.team, args.channel))


def guarded(work: Callable[[], int]) -> int:
    """Run a command; a database that can't be used is one line on stderr."""
    try:
        return work()
    except SQLAlchemyError as exc:
        print(
            f"partnerbot: the database at DATABASE_URL is unusable: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 3


def run(command: str, settings: Settings, days: int, at: datetime | None = None) -> int:
    """Run one of these commands; a database that can't be used is one line on stderr."""
    if command == "check":
        return guarded(lambda: check(settings))
    if command == "tick":
        return guarded(lambda: tick(settings, at))
    if command == "schedule":
        return guarded(lambda: schedule(settings, days))
    return guarded(lambda: upgrade(settings))
