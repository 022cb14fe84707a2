"""`partnerbot schedule`, `partnerbot tick`, and the one-process-per-SQLite-file warning."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from freezegun import freeze_time

from bot import cli
from bot.scheduler import SqliteTickerLock, Ticker, create_scheduler
from tests.bench.harness import CHANNEL, SECRET, TOKEN
from tests.reviews.helpers import linked, prompts, set_cadence

NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)


def environment(monkeypatch, bench, fake_slack) -> None:
    for name, value in {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": bench.settings.database_url,
        "SLACK_APP_TOKEN": "",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(bench.settings.database_url.split("///", 1)[1].rsplit("/", 1)[0])


def test_schedule_and_tick_from_the_command_line(bench, fake_slack, monkeypatch, capsys):
    p = linked(bench, tz="Asia/Kolkata", at=NOW)
    set_cadence(bench, p, every=1, weekday=0, at=time(9, 30), starting=date(2026, 11, 23), now=NOW)
    environment(monkeypatch, bench, fake_slack)
    with freeze_time(NOW):
        assert cli.main(["schedule", "--days", "10"]) == 0
    out = capsys.readouterr().out
    assert "Acme Resellers" in out and CHANNEL in out
    assert "Mon 2026-11-23 09:30 Asia/Kolkata" in out and "2026-11-23 04:00Z" in out
    assert "Mon 2026-11-30 09:30" in out
    with freeze_time(datetime(2026, 11, 23, 4, 0, 30, tzinfo=UTC)):
        assert cli.main(["tick"]) == 0
    out = capsys.readouterr().out
    assert "sent" in out and "review:" in out and "1 sent" in out
    assert len(prompts(fake_slack)) == 1
    assert cli.main(["schedule", "--days", "0"]) == 2


def test_a_second_process_on_the_same_sqlite_file_is_warned_about(tmp_path, caplog):
    path = str(tmp_path / "partnerbot.db")
    first, second = SqliteTickerLock(path), SqliteTickerLock(path)
    assert first.acquire()
    with caplog.at_level(logging.WARNING):
        assert not second.acquire()
    assert "another partnerbot process is already running" in caplog.text
    assert "PostgreSQL" in caplog.text
    first.release()
    second.release()


def test_the_scheduler_runs_one_interval_job(sessions):
    ticker = Ticker(sessions, client=None, senders={}, materializers=[])
    scheduler = create_scheduler(ticker, interval_seconds=15)
    [job] = scheduler.get_jobs()
    assert job.trigger.interval.total_seconds() == 15
    assert job.max_instances == 1 and job.coalesce
