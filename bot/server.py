"""Serving the app: gunicorn (threaded) for HTTP, or a Socket Mode connection.

The HTTP door is hardened for a direct exposure to the internet (a buffering reverse proxy in
front is still the recommended set-up, see README "Security"):

- ``BufferingThreadWorker`` reads every request, headers and body, in gunicorn's event loop and
  hands it to a thread only once it has fully arrived. A slow client costs a buffer, never one of
  the 16 threads, and is answered 408 after ``REQUEST_ARRIVAL_TIMEOUT_SECONDS``. Bodies over
  1 MiB are answered 413 from the announced length, before any of the body is read.
- ``make_wsgi`` checks the signature headers before Bolt parses anything, answers 401 for any
  bad, stale or malformed signature, and logs method, path, size and reason, never the body.
- Past capacity it fails fast (``bot.saturation``): how long each request waited for a thread
  is measured from the moment its bytes reached the machine (the kernel keeps the time, and
  a process short of CPU leaves connections waiting there); ``/healthz`` answers 503 from the
  event loop while the process is saturated, and a request that waited past Slack's 3 s is
  answered 503 at once instead of being run for no one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import io
import json
import logging
import re
import selectors
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

from bot.logs import quiet_bolt_request_logs
from bot.saturation import SLACK_WAITS_S, Saturation

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HTTP_THREADS = 16
GRACEFUL_TIMEOUT_S = 25
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are a few kB; a 100-block modal is ~100 kB
MAX_HEAD_BYTES = 32 * 1024  # request line and headers
SIGNATURE_MAX_AGE_S = 300  # Slack's rule: a timestamp more than 5 minutes off is refused
DEFAULT_ARRIVAL_TIMEOUT_S = 10.0


def printable(text: str, limit: int = 120) -> str:
    """Text from a request, safe for one log line: no newlines or control characters."""
    return ascii(text)[1:-1][:limit]


def _answer(
    start_response: Callable[..., Any], status: str, payload: bytes, content_type: str
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
    return [payload]


def read_body(environ: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """The request body, or None and the status to refuse it with: never more than 1 MiB read.

    A body announced over 1 MiB is refused unread; one of unknown length (chunked) is read at
    most 1 MiB and one byte, enough to know it is too large.
    """
    length_header = (environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if length_header:
        if not length_header.isdigit() or len(length_header) > 18:
            return None, "400 Bad Request"
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            return None, "413 Content Too Large"
        body = stream.read(length) if stream is not None and length else b""
        return body, None
    if stream is None:
        return b"", None
    body = stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return None, "413 Content Too Large"
    return body, None


def signature_problem(
    environ: dict[str, Any], body: bytes, secret: str, now: float | None = None
) -> str | None:
    """Why Slack's signature on this request is not acceptable, or None when it is."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not timestamp or not signature:
        return "not signed"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "malformed timestamp"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_S:
        return "timestamp more than 5 minutes off"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "signature does not match"
    return None


def make_wsgi(
    app: App,
    engine: Engine,
    *,
    signing_secret: str | None = None,
    saturation: Saturation | None = None,
) -> WSGIApp:
    """``POST /slack/events`` for Slack and ``GET /healthz`` for load balancers.

    ``signing_secret`` defaults to the one the Bolt app verifies with. ``/healthz`` answers
    503 while ``saturation`` says the process is past its capacity.
    """
    # Imported here: gunicorn's master imports this module but never serves requests.
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from sqlalchemy import text

    quiet_bolt_request_logs()
    slack = SlackRequestHandler(app, path="/slack/events")
    secret = signing_secret if signing_secret is not None else getattr(app, "_signing_secret", None)

    def health(start_response: Callable[..., Any]) -> list[bytes]:
        body: dict[str, object]
        if saturation is not None and (busy := saturation.status())["saturated"]:
            return _answer(
                start_response,
                "503 Service Unavailable",
                saturated_json(busy),
                "application/json",
            )
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            status, body = "200 OK", {"ok": True}
        except Exception as exc:  # the probe reports it; it must not crash the server
            log.warning("health check: database unavailable: %s", exc.__class__.__name__)
            status, body = "503 Service Unavailable", {"ok": False, "database": "unavailable"}
        return _answer(start_response, status, json.dumps(body).encode(), "application/json")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            return health(start_response)
        where = f"{printable(method, 10)} {printable(path)}"
        try:
            body, refusal = read_body(environ)
        except OSError as exc:  # the client went away or stalled mid-body
            log.warning("refused %s: body unreadable (%s)", where, exc.__class__.__name__)
            return _answer(start_response, "400 Bad Request", b"incomplete body", "text/plain")
        if body is None:
            assert refusal is not None
            size = printable(environ.get("CONTENT_LENGTH") or "unknown length", 20)
            log.warning("refused %s (%s bytes): %s", where, size, refusal[4:].lower())
            return _answer(start_response, refusal, refusal[4:].encode(), "text/plain")
        if method == "POST" and path == "/slack/events" and secret:
            reason = signature_problem(environ, body, secret)
            if reason is not None:
                log.warning("refused %s (%d bytes): %s", where, len(body), reason)
                return _answer(
                    start_response,
                    "401 Unauthorized",
                    b'{"error": "invalid request"}',
                    "application/json",
                )
        # Bolt reads CONTENT_LENGTH bytes: hand it exactly the body that was checked.
        environ = environ | {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        try:
            return slack(environ, start_response)
        except Exception:  # a body Bolt can't parse: refuse it instead of answering 500
            log.warning("unreadable request to %s refused", where, exc_info=True)
            return _answer(start_response, "400 Bad Request", b"unreadable request", "text/plain")

    return wsgi


def saturated_json(status: dict[str, object]) -> bytes:
    """What ``/healthz`` says while the process is saturated."""
    return json.dumps({"ok": False, **status}).encode()


# -- the worker: requests arrive in the event loop, threads only run complete ones ------------

COMPLETE, INCOMPLETE = "complete", "incomplete"
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")
LINGER_S = 2.0  # after refusing, read and drop what the client still sends, then close
LINGER_BYTES = 4 * 1024 * 1024
BUFFER_BUDGET_BYTES = 64 * 1024 * 1024  # per process, for requests still arriving
SWEEP_INTERVAL_S = 0.25  # how often deadlines are checked


class Arrival:
    """One request arriving on a connection: its bytes so far and whether they are complete.

    ``feed`` scans only the new bytes, so a request trickled a byte at a time costs linear time.
    It returns COMPLETE, INCOMPLETE, or the HTTP status to refuse the request with.
    """

    def __init__(self, deadline: float, started: float | None = None) -> None:
        self.deadline = deadline
        self.started = time.monotonic() if started is None else started  # accepted, or first byte
        self.data = bytearray()
        self.head_end = -1  # index just past the blank line ending the headers
        self.method_path = ""
        self.content_length: int | None = None
        self.chunked = False
        self.chunk_pos = 0  # where the next chunk-size line starts
        self.chunked_total = 0
        self.expects_continue = False  # "Expect: 100-continue": the client waits for a go

    def feed(self, chunk: bytes) -> str:
        scan_from = max(0, len(self.data) - 3)
        self.data += chunk
        if self.head_end < 0:
            end = self.data.find(b"\r\n\r\n", scan_from)
            if end < 0:
                return (
                    "431 Request Header Fields Too Large"
                    if len(self.data) > MAX_HEAD_BYTES
                    else INCOMPLETE
                )
            self.head_end = end + 4
            refusal = self._read_head(bytes(self.data[:end]))
            if refusal:
                return refusal
            self.chunk_pos = self.head_end
        if self.chunked:
            return self._scan_chunks()
        assert self.content_length is not None
        return COMPLETE if len(self.data) >= self.head_end + self.content_length else INCOMPLETE

    def _read_head(self, head: bytes) -> str | None:
        if len(head) > MAX_HEAD_BYTES:
            return "431 Request Header Fields Too Large"
        lines = head.decode("latin-1").split("\r\n")
        self.method_path = " ".join(lines[0].split(" ")[:2])
        lengths, encodings = [], []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                lengths.append(value.strip())
            elif name.strip().lower() == "transfer-encoding":
                encodings += [v.strip().lower() for v in value.split(",")]
            elif name.strip().lower() == "expect":
                self.expects_continue = value.strip().lower() == "100-continue"
        if encodings:
            # Only plain chunking, never together with a length: anything else can desync.
            if encodings != ["chunked"] or lengths:
                return "400 Bad Request"
            self.chunked = True
            return None
        if len(lengths) > 1 or (lengths and not (lengths[0].isdigit() and len(lengths[0]) < 19)):
            return "400 Bad Request"
        self.content_length = int(lengths[0]) if lengths else 0
        return "413 Content Too Large" if self.content_length > MAX_BODY_BYTES else None

    def _scan_chunks(self) -> str:
        data = self.data
        while True:
            eol = data.find(b"\r\n", self.chunk_pos)
            if eol < 0:
                return "400 Bad Request" if len(data) - self.chunk_pos > 1024 else INCOMPLETE
            size_field = bytes(data[self.chunk_pos : eol]).split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_field):
                return "400 Bad Request"
            size = int(size_field, 16)
            if size == 0:  # the last chunk, then optional trailers and a blank line
                if data[eol : eol + 4] == b"\r\n\r\n" or data.find(b"\r\n\r\n", eol) >= 0:
                    return COMPLETE
                return (
                    "431 Request Header Fields Too Large"
                    if len(data) - eol > MAX_HEAD_BYTES
                    else INCOMPLETE
                )
            self.chunked_total += size
            if self.chunked_total > MAX_BODY_BYTES:
                return "413 Content Too Large"
            if len(data) < eol + 2 + size + 2:
                return INCOMPLETE
            self.chunk_pos = eol + 2 + size + 2


def _raw_answer(status: str, body: bytes | None = None) -> bytes:
    """A whole HTTP answer that closes the connection: ``body`` is JSON, or else the status
    is the text."""
    content_type = "application/json" if body is not None else "text/plain"
    payload = body if body is not None else status[4:].encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode() + payload


class _NoMoreInput:
    """Stands in for the client socket in gunicorn's request parser: reads find the end."""

    def recv(self, _size: int) -> bytes:
        return b""


_NO_MORE_INPUT = _NoMoreInput()

# The stubs leave out the worker's internals (_lock, _keep, _wrap_future) used below.
_ThreadWorker: Any = ThreadWorker


_TCP_INFO = getattr(socket, "TCP_INFO", None)
_LAST_DATA_RECV = struct.Struct("=I")  # tcp_info's tcpi_last_data_recv, in ms, at byte 52


def held_by_kernel(sock: socket.socket) -> float:
    """How long ago the connection's latest bytes arrived (or it was set up, before any):
    the time it waited for this process to accept or read it. When the process is short of
    CPU, requests queue there, before the event loop sees them. 0 where Linux doesn't say."""
    if _TCP_INFO is None:
        return 0.0
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, _TCP_INFO, 104)
        return float(_LAST_DATA_RECV.unpack_from(info, 52)[0]) / 1000
    except (OSError, struct.error):  # not TCP (a unix socket), or an older kernel
        return 0.0


def _peer(conn: TConn) -> str:
    return str(conn.client[0] if isinstance(conn.client, tuple) else conn.client)


class BufferingThreadWorker(_ThreadWorker):
    """gunicorn's ``gthread`` worker, with requests buffered in the event loop until complete.

    Stock ``gthread`` gives a connection to a thread as soon as its first byte arrives; the
    thread then blocks reading the rest, so 16 clients trickling a body stall everything. Here
    the event loop reads (non-blocking) until the request is complete, refuses it (400, 408,
    413, 431, 503) when it can't be, and only then hands it to a thread, already in memory.
    Pipelined requests are not kept: the connection closes after the first one.
    """

    arrival_timeout: float = DEFAULT_ARRIVAL_TIMEOUT_S
    saturation: Saturation = Saturation()  # HttpServer gives each server its own

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._arriving: dict[TConn, Arrival] = {}  # only touched by the event loop's thread
        self._lingering: dict[TConn, list[float]] = {}  # conn -> [deadline, bytes left]
        self._buffered = 0
        self._next_sweep = 0.0

    def accept(self, server: Any, listener: socket.socket) -> None:
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        conn = TConn(self.cfg, sock, client, server)
        self.nr_conns += 1
        # A connection that never sends its request is closed at the same deadline.
        now = time.monotonic()
        self._arriving[conn] = Arrival(now + self.arrival_timeout, now - held_by_kernel(sock))
        with self._lock:
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn)
            )

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        arrival = self._arriving.get(conn)
        if arrival is None:  # a kept-alive connection starts its next request
            with self._lock:
                try:
                    self._keep.remove(conn)
                except ValueError:
                    return  # closed for idling meanwhile
            now = time.monotonic()
            arrival = self._arriving[conn] = Arrival(
                now + self.arrival_timeout, now - held_by_kernel(conn.sock)
            )
        try:
            chunk = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client left before its request was complete
            self._forget(conn)
            self._close(conn)
            return
        before = len(arrival.data)
        verdict = arrival.feed(chunk)
        self._buffered += len(arrival.data) - before
        if verdict == INCOMPLETE:
            if self._buffered > BUFFER_BUDGET_BYTES:
                self._refuse(conn, "503 Service Unavailable", "too many requests arriving")
            elif arrival.expects_continue and len(arrival.data) == arrival.head_end:
                # The client waits for this before sending its body (gunicorn will send
                # another when it handles the request: clients must accept several 1xx).
                arrival.expects_continue = False
                with contextlib.suppress(OSError):
                    conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        if verdict != COMPLETE:
            self._refuse(conn, verdict, verdict[4:].lower())
            return
        if (
            arrival.method_path.split("?")[0] == "GET /healthz"
            and (busy := self.saturation.status())["saturated"]
        ):
            # Answered here, at once: behind the queue it would only say so too late.
            self._refuse(conn, "503 Service Unavailable", None, saturated_json(busy))
            return
        data = bytes(arrival.data)
        self._forget(conn)
        with self._lock:
            self.poller.unregister(client)
        self.saturation.waiting(conn, arrival.started)
        conn.init()
        assert conn.parser is not None
        unreader: Any = conn.parser.unreader
        # The thread parses only what is buffered: should gunicorn's parser want more than
        # Arrival saw, it meets the end of input at once instead of waiting on the client.
        unreader.sock = _NO_MORE_INPUT
        unreader.unread(data)
        # The timeout only bounds writing the answer to a client that won't read it.
        conn.sock.settimeout(self.arrival_timeout)
        future = self.tpool.submit(self.handle, conn)
        self._wrap_future(future, conn)

    def handle(self, conn: TConn) -> tuple[bool, TConn]:
        waited = self.saturation.started(conn)
        arrived = time.monotonic() - waited
        if waited > SLACK_WAITS_S:
            # Slack stopped waiting for this one: answer at once and get to the next.
            self.saturation.dropped(f"a request from {_peer(conn)}", waited)
            with contextlib.suppress(OSError):
                conn.sock.sendall(_raw_answer("503 Service Unavailable", b"saturated"))
            return False, conn
        keepalive, conn = super().handle(conn)
        self.saturation.answered(time.monotonic() - arrived)
        if keepalive:
            assert conn.parser is not None and conn.parser.mesg is not None
            body = conn.parser.mesg.body
            # All buffered: drop what the app didn't read, so the next request starts clean.
            while body is not None and body.read(8192):
                pass
            if conn.parser.unreader.buf.getvalue():
                return False, conn  # pipelined bytes: close rather than guess where they end
        return keepalive, conn

    def murder_keepalived(self) -> None:
        """Called by the event loop after each round of events: also enforce the deadlines."""
        super().murder_keepalived()
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_INTERVAL_S
        for conn, arrival in list(self._arriving.items()):
            if arrival.deadline <= now:
                if arrival.data:
                    log.info(
                        "request %s from %s did not arrive within %g s (%d bytes came)",
                        printable(arrival.method_path) or "(no request line)",
                        _peer(conn),
                        self.arrival_timeout,
                        len(arrival.data),
                    )
                    self._refuse(conn, "408 Request Timeout", None)
                else:  # never said anything: just close
                    self._forget(conn)
                    self._close(conn)
        for conn, (deadline, _left) in list(self._lingering.items()):
            if deadline <= now:
                self._close(conn)

    # -- refusing from the event loop --------------------------------------------------------

    def _refuse(
        self, conn: TConn, status: str, reason: str | None, body: bytes | None = None
    ) -> None:
        arrival = self._arriving.get(conn)
        if reason is not None:
            log.warning(
                "refused %s from %s (%d bytes received): %s",
                printable(arrival.method_path) if arrival and arrival.method_path else "request",
                _peer(conn),
                len(arrival.data) if arrival else 0,
                reason,
            )
        self._forget(conn)
        answer = _raw_answer(status, body)
        try:
            conn.sock.send(answer)  # small: fits the socket buffer, never blocks the loop
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        # Keep reading (and dropping) for a moment: closing with unread input sends a reset
        # that can destroy the answer before the client reads it.
        self._lingering[conn] = [time.monotonic() + LINGER_S, LINGER_BYTES]
        with self._lock:
            self.poller.modify(conn.sock, selectors.EVENT_READ, partial(self._drop_input, conn))

    def _drop_input(self, conn: TConn, _client: socket.socket) -> None:
        try:
            chunk = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        state = self._lingering.get(conn)
        if state is None:
            return
        state[1] -= len(chunk)
        if not chunk or state[1] <= 0:
            self._close(conn)

    def _forget(self, conn: TConn) -> None:
        arrival = self._arriving.pop(conn, None)
        if arrival is not None:
            self._buffered -= len(arrival.data)

    def _unregister(self, conn: TConn) -> None:
        with self._lock, contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)

    def _close(self, conn: TConn) -> None:
        self._unregister(conn)  # before closing: the selector would keep the stale descriptor
        self._lingering.pop(conn, None)
        self.nr_conns -= 1
        conn.close()


class HttpServer(BaseApplication):
    """gunicorn with one process of threads by default; ``build`` runs in each worker."""

    def __init__(
        self,
        build: Callable[[], WSGIApp],
        *,
        port: int,
        workers: int,
        log_level: str,
        on_worker_exit: Callable[..., None] | None = None,
        arrival_timeout: float = DEFAULT_ARRIVAL_TIMEOUT_S,
        saturation: Saturation | None = None,
    ):
        self.build = build
        worker = type(
            "BufferingThreadWorker",
            (BufferingThreadWorker,),
            {"arrival_timeout": arrival_timeout, "saturation": saturation or Saturation()},
        )
        self.options: dict[str, Any] = {
            "bind": f"0.0.0.0:{port}",
            "workers": workers,
            "worker_class": worker,
            "threads": HTTP_THREADS,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "timeout": 60,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": log_level.lower(),
            "proc_name": "partnerbot",
        }
        if on_worker_exit is not None:
            self.options["worker_exit"] = on_worker_exit
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:  # type: ignore[override]  # the stubs' WSGI type is narrower
        return self.build()


def run_socket_mode(app: App, app_token: str, on_stop: Callable[[], None]) -> None:
    """Hold a Socket Mode connection until SIGTERM or SIGINT."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token)
    stopped = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: closing the Socket Mode connection", signum)
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handler.connect()
    log.info("connected to Slack over Socket Mode")
    stopped.wait()
    handler.close()
    on_stop()
