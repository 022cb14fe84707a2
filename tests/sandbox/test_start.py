"""`partnerbot run` without Slack credentials starts the sandbox: one line, a page on
127.0.0.1, partnerbot behind it, the demo partnership already there."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sandbox.browser import Sandbox

pytestmark = pytest.mark.slow


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post(url: str, body: dict[str, object], content_type: str = "application/json") -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"content-type": content_type}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def eventually_in_dm(sandbox: Sandbox, text: str, seconds: float = 15) -> bool:
    """Whether ``text`` reaches Terry's DM within ``seconds`` (effects follow the ack)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _, raw = get(sandbox.url + "/sandbox/data?as=U_TM&place=DU_TM")
        if text in json.dumps(json.loads(raw)["messages"]):
            return True
        time.sleep(0.2)
    return False


def test_run_without_credentials_starts_the_sandbox_with_the_demo(tmp_path: Path) -> None:
    sandbox = Sandbox.start(tmp_path, command="run")
    try:
        first = sandbox.lines[0]
        assert first == (
            f"No Slack credentials: the sandbox is at {sandbox.url} (set SLACK_BOT_TOKEN and "
            "SLACK_SIGNING_SECRET in .env to connect to Slack)"
        )
        assert sandbox.url.startswith("http://127.0.0.1:")
        assert not [line for line in sandbox.lines if "demo history is missing" in line]
        status, page = get(sandbox.url + "/")
        assert status == 200 and "Sandbox" in page
        assert (sandbox.data / "partnerbot.db").exists()  # its own SQLite file

        _, raw = get(sandbox.url + "/sandbox/data?as=U_TM&place=C0ACME")
        shown = json.dumps(json.loads(raw)["messages"])
        assert "A win for" in shown  # the demo's history
        assert "Proposed rule" in shown
        # deal registrations: two approved, one the conflict check flagged, told to the owners
        for label in ("D-1", "D-2", "D-3"):
            assert f"Deal registration {label}" in shown
        assert eventually_in_dm(sandbox, "D-3 from Acme Resellers may clash")
        _, raw = get(sandbox.url + "/sandbox/data?as=U_TM&place=home")
        assert "Your partnerships" in json.dumps(json.loads(raw)["home"])  # App Home too

        soon = (datetime.now(UTC) + timedelta(days=5)).isoformat()
        answer = post(sandbox.url + "/sandbox/scheduler", {"as": "U_TM", "at": soon})
        assert answer["ok"] and " sent" in answer["report"], answer
        _, raw = get(sandbox.url + "/sandbox/data?as=U_TM&place=C0ACME")
        prompts = [m for m in json.loads(raw)["messages"] if "Time for the" in (m["text"] or "")]
        assert float(prompts[-1]["ts"]) > datetime.now(UTC).timestamp() - 60  # just now

        # the partner stops sharing the channel (Globex stays), then shares it again
        assert post(sandbox.url + "/sandbox/sharing", {"as": "U_TM", "channel": "C0ACME"})["ok"]
        assert eventually_in_dm(sandbox, "paused")  # the owners are told (after partnerbot's ack)
        shared = {"as": "U_TM", "channel": "C0ACME", "shared": True}
        assert post(sandbox.url + "/sandbox/sharing", shared)["ok"]
        assert eventually_in_dm(sandbox, "Resume the partnership")
    finally:
        sandbox.stop()
    assert not sandbox.crashes()
    assert sandbox.process.returncode == 0  # Ctrl-C (SIGTERM) stops it cleanly


def test_the_page_answers_only_its_own_address_and_json(tmp_path: Path) -> None:
    sandbox = Sandbox.start(tmp_path, "--empty")
    try:
        port = sandbox.url.rsplit(":", 1)[1]
        status, _ = get(sandbox.url + "/", {"Host": f"attacker.example:{port}"})
        assert status == 403  # a DNS-rebound page can't reach it
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(sandbox.url + "/sandbox/say", {"as": "U_TM"}, content_type="text/plain")
        assert refused.value.code == 415  # a cross-site form can't post to it
    finally:
        sandbox.stop()
