"""Open-loop load: signed Slack requests at a fixed rate, from its own process.

Run as ``python -m benchmarks.loadgen URL RATE SECONDS SECRET PARTNERSHIP_ID RESPONSE_URL
[MIX]``, MIX being ``mix`` (the default: half summary commands, half clicks), ``summary`` or
``click``; prints one JSON object with the latencies (seconds) and the errors. Each request
goes out on a new connection the moment it is due, whatever the earlier ones are doing, and
its latency runs from that moment to the whole answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

from sandbox import requests as rq

TIMEOUT_S = 10  # a request not answered by then counts as an error


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
    return asyncio.run(_run(url, rate, seconds, secret, partnership_id, response_url, mix))


async def _run(
    url: str,
    rate: int,
    seconds: float,
    secret: str,
    partnership_id: int,
    response_url: str,
    mix: str,
) -> dict[str, object]:
    """Each request on a new connection, sent when due whatever the earlier ones are doing
    (one event loop, no pool of senders to run out of)."""
    target = urlsplit(url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    latencies: list[float] = []
    errors: list[str] = []

    async def send(i: int, due: float) -> None:
        body, content_type = traffic(i, partnership_id, response_url, mix)
        headers = rq.signed_headers(secret, body, content_type=content_type)
        raw = body.encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {target.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
            f"Content-Length: {len(raw)}\r\nConnection: close\r\n\r\n"
        ).encode() + raw
        writer = None
        try:
            async with asyncio.timeout(TIMEOUT_S):
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                await writer.drain()
                status_line = await reader.readline()
                status = int(status_line.split()[1])
                await reader.read()  # the answer, until the server closes
            latencies.append(time.perf_counter() - due)
            if status != 200:
                errors.append(f"HTTP {status}")
        except (OSError, TimeoutError, ValueError, IndexError) as exc:
            errors.append(exc.__class__.__name__)
        finally:
            if writer is not None:
                writer.close()

    total = round(rate * seconds)
    start = time.perf_counter() + 0.2
    pending = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(send(i, due)))
    await asyncio.gather(*pending)
    return {"latencies": latencies, "errors": errors, "sent": total}


if __name__ == "__main__":
    url, rate, seconds, secret, pid, response_url = sys.argv[1:7]
    mix = sys.argv[7] if len(sys.argv) > 7 else "mix"
    if mix not in MIXES:
        raise SystemExit(f"unknown traffic {mix!r}: choose one of {', '.join(MIXES)}")
    print(json.dumps(run(url, int(rate), float(seconds), secret, int(pid), response_url, mix)))
