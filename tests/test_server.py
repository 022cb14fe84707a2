"""`partnerbot run` started the way a user starts it, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from sandbox import requests as rq
from tests.bench.harness import CHANNEL, SECRET, TOKEN, VENDOR

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def partnerbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.db'}"
    return env


def served_env(tmp_path: Path, fake_slack: Any, port: int, **extra: str) -> dict[str, str]:
    """What ``partnerbot run`` needs to serve on ``port`` against the fake Slack, and ``extra``."""
    return (
        base_env(tmp_path)
        | {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake_slack.url,
            "PORT": str(port),
        }
        | extra
    )


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 20) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise AssertionError(f"partnerbot exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise AssertionError("partnerbot did not become healthy")


def test_run_with_half_the_credentials_exits_with_one_line(tmp_path):
    # With none at all, `partnerbot run` starts the sandbox (tests/sandbox/test_start.py).
    env = base_env(tmp_path) | {"SLACK_SIGNING_SECRET": SECRET}
    process = partnerbot("run", env=env, cwd=tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode != 0
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "SLACK_BOT_TOKEN is not set" in lines[0] and "OAuth & Permissions" in lines[0]


@pytest.mark.slow
def test_http_server_serves_slack_and_health_and_stops_on_sigterm(tmp_path, fake_slack):
    port = free_port()
    env = served_env(tmp_path, fake_slack, port)
    process = partnerbot("run", env=env, cwd=tmp_path)
    try:
        wait_healthy(port, process)
        body = rq.command_body(
            "/partner",
            "",
            user="U_TM",
            team=VENDOR,
            channel=CHANNEL,
            response_url=fake_slack.response_url(),
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=body.encode(),
            headers=rq.signed_headers(SECRET, body),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        deadline = time.monotonic() + 10
        while not fake_slack.calls_to("views.open") and time.monotonic() < deadline:
            time.sleep(0.05)
        [opened] = fake_slack.calls_to("views.open")
        assert opened.args["view"]["title"]["text"] == "Link a partner"

        forged = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=body.encode(),
            headers=rq.signed_headers("wrong", body),
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 401
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            assert json.loads(r.read()) == {"ok": True}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=40)
    assert process.returncode == 0, output
    assert TOKEN not in output and SECRET not in output
    assert "command /partner by U_TM: ok" in output


def test_run_with_a_refused_token_or_unreachable_slack_says_so(tmp_path, fake_slack):
    from sandbox.slack import Fault

    fake_slack.fail("auth.test", Fault(error="invalid_auth"))
    env = served_env(tmp_path, fake_slack, free_port())
    process = partnerbot("run", env=env, cwd=tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in output.splitlines()[-1]

    env["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"
    process = partnerbot("run", env=env, cwd=tmp_path)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "can't be reached" in output.splitlines()[-1]
    assert "Traceback" not in output


def test_socket_mode_with_a_refused_app_token_says_so(tmp_path, fake_slack):
    from sandbox.slack import Fault

    fake_slack.fail("apps.connections.open", Fault(error="invalid_auth"))
    env = base_env(tmp_path) | {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-revoked",
        "SLACK_API_URL": fake_slack.url,
    }
    process = partnerbot("run", env=env, cwd=tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    last = output.splitlines()[-1]
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth)" in last
    assert "App-Level Tokens" in last
    assert fake_slack.calls_to("apps.connections.open")[0].args["token"] == "xapp-1-revoked"
