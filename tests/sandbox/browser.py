"""Start the sandbox as a person does (``partnerbot sandbox``) and use its page like one."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PARTNERBOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What a crash looks like in partnerbot's log, as the bench checks in-process.
CRASH_LOGS = ("unexpected error in", "sender for ")
WAIT_MS = 10_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sandbox:
    """A running ``partnerbot sandbox`` in its own folder."""

    process: subprocess.Popen[str]
    url: str
    folder: Path
    lines: list[str]

    @classmethod
    def start(cls, folder: Path, *args: str, command: str = "sandbox") -> Sandbox:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
        env.update({"PORT": str(port), "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO"})
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", command, *args],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        sandbox = cls(process, f"http://127.0.0.1:{port}", folder, [])
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            sandbox.lines.append(line.rstrip())
            if "partnerbot serving" in line:
                return sandbox
        sandbox.stop()
        raise AssertionError(f"the sandbox did not start: {sandbox.lines}")

    @property
    def data(self) -> Path:
        return self.folder / ".sandbox" / f"port-{self.url.rsplit(':', 1)[1]}"

    def log(self) -> str:
        path = self.data / "partnerbot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def crashes(self) -> list[str]:
        return [line for line in self.log().splitlines() if any(c in line for c in CRASH_LOGS)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class SlackPage:
    """The sandbox's page, used the way a person uses Slack (Playwright underneath)."""

    def __init__(self, page: Any, sandbox: Sandbox) -> None:
        self.page = page
        self.sandbox = sandbox

    def open(self, person: str, place: str = "C0ACME") -> SlackPage:
        self.page.goto(f"{self.sandbox.url}/#as={person}&place={place}")
        self.page.wait_for_selector("#sidebar .side-item", timeout=WAIT_MS)
        return self

    def be(self, person: str) -> None:
        """Switch who you are with the person picker."""
        self.page.select_option("#person", person)
        self.page.wait_for_function(
            "p => location.hash.includes('as=' + p)", arg=person, timeout=WAIT_MS
        )

    def go(self, name: str) -> None:
        """Open a channel (by name) or the app's Home / Messages."""
        if name in ("Home", "Messages"):
            self.page.click("#sidebar [data-place=home]")
            if name == "Messages":
                self.page.click("#header .tab:has-text('Messages')")
            return
        self.page.click(f"#sidebar .side-item:has-text('# {name}')")

    def type(self, text: str) -> None:
        self.page.fill("#text", text)
        self.page.press("#text", "Enter")

    # -- what is shown -----------------------------------------------------------------------
    def message(
        self, text: str | re.Pattern[str], where: str = "#messages", only_me: bool = False
    ) -> Any:
        """The last message showing ``text`` (waits for it); ``only_me``: an ephemeral one."""
        kind = ".msg.ephemeral" if only_me else ".msg"
        found = self.page.locator(f"{where} {kind}", has_text=text).last
        found.wait_for(timeout=WAIT_MS)
        return found

    def sees(self, text: str | re.Pattern[str], where: str = "#messages") -> None:
        self.page.locator(where).get_by_text(text).first.wait_for(timeout=WAIT_MS)

    # -- modals ------------------------------------------------------------------------------
    def modal(self, title: str) -> Any:
        found = self.page.locator("#modal-card")
        found.locator(".m-title", has_text=title).wait_for(timeout=WAIT_MS)
        return found

    def field(self, block: str) -> Any:
        return self.page.locator(f"#modal-card [data-block-id='{block}']")

    def fill(self, block: str, text: str) -> None:
        self.field(block).locator("input, textarea").first.fill(text)

    def choose(self, block: str, label: str) -> None:
        self.field(block).locator("select").first.select_option(label=label)

    def add(self, block: str, *values: str) -> None:
        for value in values:
            self.field(block).locator(".multi-add").select_option(value)

    def pick(self, block: str, label: str) -> None:
        self.field(block).get_by_label(label).check()

    def submit(self) -> None:
        self.page.click("#modal-card [data-submit]")

    def close(self) -> None:
        """The modal's close button (Close, Cancel or Back)."""
        self.page.locator("#modal-card .m-foot [data-close]").click()

    def closed(self) -> None:
        self.page.locator("#modal").wait_for(state="hidden", timeout=WAIT_MS)

    def error_under(self, block: str) -> str:
        error = self.field(block).locator(".i-error")
        error.wait_for(state="visible", timeout=WAIT_MS)
        return str(error.inner_text())

    def click_thread(self, proposal_text: str) -> None:
        """Open the thread of the message showing ``proposal_text``."""
        self.message(proposal_text).locator(".replies").click()
        self.page.locator("#thread-body .msg").first.wait_for(timeout=WAIT_MS)

    def click(self, button: str, within: Any = None) -> None:
        (within or self.page).get_by_role("button", name=button).last.click()

    def confirm(self) -> None:
        """Answer the confirmation dialog a button asks with (its confirm object) with yes."""
        self.page.locator("#confirm-card [data-confirm]").click()

    def shot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
