"""Sandbox: how soon `make run` without Slack credentials answers, and how soon the page
shows what partnerbot posts.

``python -m benchmarks.sandbox [--messages 20]``
Runs ``make run`` in the repository (the venv already made) with no Slack settings and a
free PORT, and times the page's first answer, the demo history and partnerbot serving. Then,
in headless Chromium (skipped without it), posts messages through the stand-in's Web API
(``chat.postMessage``, as partnerbot does) and times each until the page shows it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.sandbox.browser import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parents[1]


def answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as answer:
            return answer.status == 200
    except OSError:
        return False


def start(port: int) -> tuple[subprocess.Popen[str], dict[str, float]]:
    """``make run`` with no Slack settings; the seconds to each milestone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env["PORT"] = str(port)
    started = time.monotonic()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the whole run stops together
    )
    marks: dict[str, float] = {}
    while not answering(f"http://127.0.0.1:{port}/"):
        time.sleep(0.01)
        if make.poll() is not None:
            raise SystemExit(f"make run stopped: {make.stdout.read() if make.stdout else ''}")
    marks["page answering"] = time.monotonic() - started
    assert make.stdout is not None
    for line in make.stdout:
        if "the sandbox is at" in line:
            marks["address line printed"] = time.monotonic() - started
        if "partnerbot serving" in line:
            marks["demo made, partnerbot serving"] = time.monotonic() - started
            break
    return make, marks


def post(port: int, text: str) -> None:
    body = json.dumps({"channel": "C0ACME", "text": text}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/chat.postMessage",
        body,
        {"content-type": "application/json", "authorization": "Bearer xoxb-benchmark"},
    )
    urllib.request.urlopen(request, timeout=5).close()


def shown_after(port: int, count: int) -> list[float] | None:
    """Seconds from each post to the page showing it, in Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    waits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"http://127.0.0.1:{port}/#as=U_TM&place=C0ACME")
        page.wait_for_selector("#messages .msg")
        # The page notes the moment each text first appears (the same wall clock as ours),
        # so the figure is the page's own, not Playwright's polling.
        page.evaluate(
            """() => { window.seen = {}; new MutationObserver(() => {
                for (const m of document.querySelectorAll('#messages .msg')) {
                    const key = m.innerText.match(/benchmark message \\d+/);
                    if (key && !(key[0] in seen)) seen[key[0]] = Date.now();
                } }).observe(document.body, {childList: true, subtree: true}); }"""
        )
        for n in range(count):
            text = f"benchmark message {n}"
            started = time.time()
            post(port, text)
            page.locator("#messages .msg", has_text=text).wait_for()
            shown = page.evaluate("key => seen[key]", text) / 1000
            waits.append(shown - started)
            time.sleep(0.2)
        browser.close()
    return waits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20, help="posts timed in the page")
    args = parser.parse_args()
    port = free_port()
    make, marks = start(port)
    try:
        waits = shown_after(port, args.messages)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(30)
    print("\n| sandbox: from `make run` (venv present) | seconds |\n| --- | --- |")
    for what, seconds in marks.items():
        print(f"| {what} | {seconds:.2f} |")
    if waits is None:
        print("\n(no Chromium or Playwright: the page's update time was not measured)")
        return 0
    ms = sorted(w * 1000 for w in waits)
    print(f"\n| page shows a posted message ({len(ms)} posts) | ms |\n| --- | --- |")
    print(f"| median | {statistics.median(ms):.0f} |")
    print(f"| 95th percentile | {ms[int(0.95 * (len(ms) - 1))]:.0f} |")
    print(f"| slowest | {ms[-1]:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
