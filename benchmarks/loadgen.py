"""Open-loop load: signed Slack requests at a fixed rate, from its own process.

Run as ``python -m benchmarks.loadgen URL RATE SECONDS SECRET PARTNERSHIP_ID RESPONSE_URL
[MIX]``, MIX being ``mix`` (the default: half summary commands, half clicks), ``summary`` or
``click``; prints one JSON object with the latencies (seconds) and the errors. A latency runs
from the moment the request was due, not from when a thread of this process got to send it:
a server that falls behind is charged for the queue it causes.
"""

from __future__ import annotations

import http.client
import json
import queue
import sys
import threading
import time
from urllib.parse import urlsplit

from sandbox import requests as rq

WORKERS = 256  # enough for 400 req/s answered within 0.6 s; later ones queue here


MIXES = ("mix", "summary", "click")


def traffic(i: int, partnership_id: int, response_url: str, mix: str = "mix") -> tuple[str, str]:
    """Half slash commands, half button clicks, like a busy channel (or only one of them)."""
    if mix == "summary" or (mix == "mix" and i % 2 == 0):
        return rq.command_body(
            "/partner",
            "",
            user="U_TM",
            team="T_VENDOR",
            channel="C0SHARED",
            response_url=response_url,
        ), "application/x-www-form-urlencoded"
    return rq.action_body(
        "partnership_show_summary",
        str(partnership_id),
        user="U_DANA",
        user_team="T_PARTNER",
        app_team="T_VENDOR",
        channel="C0SHARED",
        message={"ts": "1.000001", "text": ""},
        response_url=response_url,
    ), "application/x-www-form-urlencoded"


def run(
    url: str,
    rate: int,
    seconds: float,
    secret: str,
    partnership_id: int,
    response_url: str,
    mix: str = "mix",
) -> dict[str, object]:
    target = urlsplit(url)
    jobs: queue.Queue[tuple[int, float] | None] = queue.Queue()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while (job := jobs.get()) is not None:
            i, scheduled = job
            body, content_type = traffic(i, partnership_id, response_url, mix)
            headers = rq.signed_headers(secret, body, content_type=content_type)
            try:
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                connection.request("POST", target.path, body=body.encode(), headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                elapsed = time.perf_counter() - scheduled
                with lock:
                    latencies.append(elapsed)
                    if response.status != 200:
                        errors.append(f"HTTP {response.status}")
            except OSError as exc:
                with lock:
                    errors.append(exc.__class__.__name__)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    total = round(rate * seconds)
    start = time.perf_counter() + 0.2
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put((i, scheduled))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join(timeout=30)
    return {"latencies": latencies, "errors": errors, "sent": total}


if __name__ == "__main__":
    url, rate, seconds, secret, pid, response_url = sys.argv[1:7]
    mix = sys.argv[7] if len(sys.argv) > 7 else "mix"
    if mix not in MIXES:
        raise SystemExit(f"unknown traffic {mix!r}: choose one of {', '.join(MIXES)}")
    print(json.dumps(run(url, int(rate), float(seconds), secret, int(pid), response_url, mix)))
