"""Settings: a missing or malformed value stops start-up with one line naming it."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, load_settings


def settings(**values):
    return load_settings(_env_file=None, **values)


def test_defaults():
    s = settings()
    assert s.database_url == "sqlite:///partnerbot.db"
    assert s.port == 3000
    assert s.slack_api_url == "https://slack.com/api/"
    assert not s.socket_mode


@pytest.mark.parametrize(
    ("values", "named", "hint"),
    [
        ({}, "SLACK_BOT_TOKEN", "OAuth & Permissions"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET", "Basic Information"),
    ],
)
def test_missing_credentials_name_the_variable_and_where_to_find_it(values, named, hint):
    with pytest.raises(ConfigError) as raised:
        settings(**values).require_slack()
    message = str(raised.value)
    assert message.startswith(named) and hint in message and "\n" not in message


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"port": "abc"}, "PORT"),
        ({"port": "70000"}, "PORT"),
        ({"slack_bot_token": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"slack_app_token": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"database_url": "mysql://x"}, "DATABASE_URL"),
        ({"log_level": "LOUD"}, "LOG_LEVEL"),
        ({"slack_api_url": "slack.com/api"}, "SLACK_API_URL"),
    ],
)
def test_malformed_values_are_named(values, named):
    with pytest.raises(ConfigError) as raised:
        settings(**values)
    assert str(raised.value).startswith(f"{named} is invalid")


def test_socket_mode_needs_no_signing_secret():
    s = settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    assert s.socket_mode
    s.require_slack()


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("PORT", "8080")
    s = settings()
    assert s.slack_bot_token.get_secret_value() == "xoxb-from-env"
    assert s.port == 8080
    assert "xoxb-from-env" not in repr(s)


def test_worker_processes_default_to_one_on_sqlite_and_one_per_cpu_on_postgresql():
    from bot.settings import available_cpus

    assert settings().workers == 1
    postgres = settings(database_url="postgresql://u:p@db/partnerbot")
    assert postgres.workers == min(32, available_cpus()) >= 1
    assert settings(database_url="postgresql://u:p@db/x", web_concurrency="3").workers == 3
    assert settings(web_concurrency="1").workers == 1


def test_several_workers_on_sqlite_are_refused_with_how_to_fix():
    from bot.launch import check_deployment

    values = {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s" * 16}
    check_deployment(settings(**values))  # the default: one
    with pytest.raises(ConfigError) as raised:
        check_deployment(settings(web_concurrency="2", **values))
    assert "PostgreSQL" in str(raised.value)
