"""Answering through a request's ``response_url`` on connections kept open.

Bolt's ``respond`` makes a new HTTP client for each answer, which opens a new connection:
a TCP and TLS handshake with Slack's hooks host for every button a person clicks, and the
layers of urllib besides. ``KeptRespond`` sends the same JSON (Bolt's message, without
empty fields) on a connection kept from earlier answers to the same host, opening one only
when none is free. A kept connection the host has closed meanwhile is noticed before it is
used, or if not, the answer is sent once more on a new connection (only a reused connection
is retried, and only when it failed before any answer came). With a proxy configured
(``HTTPS_PROXY``...), Bolt's own ``respond`` is kept, which knows how to use it.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import ssl
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.middleware import Middleware
from slack_sdk.web.internal_utils import get_user_agent
from slack_sdk.webhook import WebhookResponse

TIMEOUT_S = 10
IDLE_PER_HOST = 8
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")

Key = tuple[str, str, int]
USER_AGENT = get_user_agent()  # what Bolt's respond says it is


class KeptConnections:
    """HTTP(S) connections per host, kept open between answers. Thread-safe."""

    def __init__(self, timeout: float = TIMEOUT_S) -> None:
        self.timeout = timeout
        self._idle: dict[Key, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()

    def post_json(
        self, url: str, payload: bytes, headers: dict[str, str]
    ) -> tuple[int, str, http.client.HTTPMessage]:
        """POST ``payload`` to ``url``: the answer's status, body and headers."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url[:80]!r}")
        key = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            connection, reused = self._take(key)
            try:
                connection.request("POST", target, body=payload, headers=headers)
                answer = connection.getresponse()
                body = answer.read()
            except (ConnectionResetError, BrokenPipeError, http.client.BadStatusLine):
                connection.close()
                if reused and attempt == 1:
                    continue  # the host closed it while it was kept: once more, on a new one
                raise
            except BaseException:
                connection.close()
                raise
            if answer.will_close:
                connection.close()
            else:
                self._give_back(key, connection)
            charset = answer.headers.get_content_charset() or "utf-8"
            return answer.status, body.decode(charset, "replace"), answer.headers
        raise AssertionError("unreachable")

    def _take(self, key: Key) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                connection = idle.pop()
                if _still_open(connection):
                    return connection, True
                connection.close()
        scheme, host, port = key
        if scheme == "https":
            return (
                http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self._tls),
                False,
            )
        return http.client.HTTPConnection(host, port, timeout=self.timeout), False

    def _give_back(self, key: Key, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < IDLE_PER_HOST:
                idle.append(connection)
                return
        connection.close()


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """False when the host closed (or wrote on) a kept connection while it was idle."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class KeptRespond(Respond):
    """Bolt's ``respond``, sent on a kept connection."""

    def __init__(self, response_url: str, connections: KeptConnections) -> None:
        super().__init__(response_url=response_url)
        self.connections = connections

    def __call__(  # the same arguments as Bolt's
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[Any] | None = None,
        attachments: Sequence[Any] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if isinstance(text, dict):
            message = build_message(**text)
        elif isinstance(text, str):
            message = build_message(
                text=text,
                blocks=blocks,
                attachments=attachments,
                response_type=response_type,
                replace_original=replace_original,
                delete_original=delete_original,
                unfurl_links=unfurl_links,
                unfurl_media=unfurl_media,
                thread_ts=thread_ts,
                metadata=metadata,
            )
        else:
            raise ValueError(f"The arg is unexpected type ({type(text)})")
        assert self.response_url is not None
        status, body, headers = self.connections.post_json(
            self.response_url,
            json.dumps(message).encode(),
            {"Content-Type": "application/json;charset=utf-8", "User-Agent": USER_AGENT},
        )
        return WebhookResponse(
            url=self.response_url,
            status_code=status,
            body=body,
            headers=dict(headers.items()),
        )


def build_message(
    text: str = "",
    blocks: Sequence[Any] | None = None,
    attachments: Sequence[Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """What Bolt's ``respond`` sends: the text, blocks and attachments as JSON, and whichever
    of the other fields were given."""
    message: dict[str, Any] = {"text": text}
    if blocks:
        message["blocks"] = [b if isinstance(b, dict) else b.to_dict() for b in blocks]
    if attachments:
        message["attachments"] = [a if isinstance(a, dict) else a.to_dict() for a in attachments]
    message.update({k: v for k, v in fields.items() if v is not None})
    return message


class RespondOnKeptConnections(Middleware):
    """Gives requests that carry a ``response_url`` a ``KeptRespond``."""

    def __init__(self, connections: KeptConnections | None = None) -> None:
        self.connections = connections or KeptConnections()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        url = req.context.response_url
        if url:
            req.context["respond"] = KeptRespond(url, self.connections)
        return next()


def proxied() -> bool:
    """Whether a proxy is configured for outgoing HTTP, as slack_sdk would read it."""
    return any(os.environ.get(name) for name in PROXY_VARIABLES)
