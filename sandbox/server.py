"""``partnerbot sandbox``: the Slack stand-in with its page, and partnerbot served against it.

One process serves the stand-in's Web API and the page on 127.0.0.1; partnerbot runs as its
usual HTTP server (``partnerbot run``) on another local port, with ``SLACK_API_URL`` pointing
at the stand-in and a signing secret made up for this run and shared with it.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO

from sandbox.page import Page, Status
from sandbox.platform import Platform
from sandbox.slack import FakeSlack
from sandbox.world import default_world

HOST = "127.0.0.1"  # never another interface: the sandbox has no authentication
STOP_SECONDS = 10.0
LOADED = time.monotonic()
TICK_SECONDS = 60.0


@dataclass
class Bot:
    """How the sandbox starts partnerbot: its environment and where it listens."""

    env: dict[str, str]
    folder: Path
    port: int

    @property
    def events_url(self) -> str:
        return f"http://{HOST}:{self.port}/slack/events"

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "bot", *args]

    def run_scheduler(self, at: datetime) -> str:
        """``partnerbot tick --at``: one scheduler pass as if it were ``at``; its summary.

        A pass far in the future may have a lot to send at Slack's pace: after a minute the
        page is told so, and the pass goes on."""
        tick = subprocess.Popen(
            self.command("tick", "--at", at.isoformat()),
            env=self.env,
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = tick.communicate(timeout=TICK_SECONDS)
        except subprocess.TimeoutExpired:
            return f"still sending after {TICK_SECONDS:.0f} s; what it sends shows up as it goes"
        lines = [line for line in output.strip().splitlines() if " due, " in line]
        return lines[-1] if lines else output.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def bot_environment(slack: FakeSlack, folder: Path, port: int) -> dict[str, str]:
    """partnerbot's settings for the sandbox: made-up credentials, the stand-in's Web API, a
    SQLite file of its own; nothing from the Slack settings of the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKEN_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": f"xoxb-sandbox-{secrets.token_hex(12)}",
            "SLACK_SIGNING_SECRET": secrets.token_hex(32),
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{folder / 'partnerbot.db'}",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "WINS_CHANNEL_ID": "C0WINS",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def fresh_folder(folder: Path) -> Path:
    """The sandbox's own folder, emptied of the last run's database (a new world each run)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("partnerbot.db", "partnerbot.db-wal", "partnerbot.db-shm", "partnerbot.log"):
        (folder / name).unlink(missing_ok=True)
    return folder.resolve()


def process_age() -> float:
    """Seconds since this process started (Linux; elsewhere, since this module loaded)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return float(Path("/proc/uptime").read_text().split()[0]) - started
    except (OSError, ValueError, IndexError):
        return time.monotonic() - LOADED


def run_demo(bot: Bot, address: str, log: IO[bytes]) -> float:
    """Make the demo partnership's history (``sandbox.demo``); how long it took."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "sandbox.demo", "--sandbox", address, "--port", str(bot.port)],
        env=bot.env,
        cwd=bot.folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        check=False,
    )
    if done.returncode != 0:
        print(f"sandbox: part of the demo history is missing; see {log.name}", flush=True)
    return time.monotonic() - started


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(port: int = 3000, empty: bool = False, reason: str = "", folder: str = ".sandbox") -> int:
    """Serve the sandbox until Ctrl-C (or SIGTERM); ``reason`` opens the line that says
    where it is."""
    try:
        slack = FakeSlack(host=HOST, port=port)
    except OSError as error:
        print(
            f"partnerbot: the sandbox can't use port {port} ({error.strerror}); is it running "
            f"already? Set PORT={port + 1} (or another) to start one more"
        )
        return 2
    world = default_world()
    world.seed(slack)
    data = fresh_folder(Path(folder) / f"port-{port}")  # two sandboxes never share a file
    bot_port = free_port()
    bot = Bot(bot_environment(slack, data, bot_port), data, bot_port)
    platform = Platform(slack, world, bot.events_url, bot.env["SLACK_SIGNING_SECRET"])
    status = Status()
    slack.page = Page(platform, status, bot.run_scheduler, port)
    slack.start()
    address = f"http://{HOST}:{port}"
    lead = f"{reason}: the sandbox" if reason else "The sandbox"
    print(
        f"{lead} is at {address} (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env to "
        "connect to Slack)",
        flush=True,
    )
    page_ready = process_age()
    signal.signal(signal.SIGTERM, _interrupt)
    with (data / "partnerbot.log").open("ab") as log:
        process: subprocess.Popen[bytes] | None = None
        try:
            demo = ""
            if not empty:
                status.phase = "setting up the demo partnership"
                demo = f", the demo history made in {run_demo(bot, address, log):.1f} s"
            status.phase = "starting partnerbot"
            process = subprocess.Popen(
                bot.command("run"), env=bot.env, cwd=data, stdout=log, stderr=subprocess.STDOUT
            )
            if not wait_healthy(bot.port, process):
                print(f"sandbox: partnerbot did not start; see {log.name}", flush=True)
                return 1
            status.phase, status.ready = "ready", True
            slack.changed()
            print(
                f"sandbox: the page answered {page_ready:.2f} s after start{demo}, partnerbot "
                f"serving after {process_age():.1f} s (its log: {log.name}); Ctrl-C stops both",
                flush=True,
            )
            while process.poll() is None:
                time.sleep(0.5)
            print(f"sandbox: partnerbot stopped (exit {process.returncode}); see {log.name}")
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            if process is not None:
                stop(process)
            slack.stop()
