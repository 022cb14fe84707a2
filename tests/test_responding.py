"""bot.responding: answers through response_url, Bolt's JSON, on connections kept open."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_bolt.context.respond import Respond

from bot.responding import KeptConnections, KeptRespond
from handlers.blocks import section
from handlers.text import md
from sandbox.slack import FakeSlack


class Hooks(ThreadingHTTPServer):
    """A response_url host that counts connections and answers; with ``drop``, it closes
    each connection after answering without saying so (as a host timing out an idle one)."""

    daemon_threads = True

    def __init__(self, drop: bool = False) -> None:
        self.connections = 0
        self.bodies: list[dict[str, Any]] = []
        self.drop = drop
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hooks.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                self.close_connection = hooks.drop

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def get_request(self) -> Any:
        self.connections += 1
        return super().get_request()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/T1/B1/xyz?q=1"


@pytest.fixture(params=[False, True], ids=["kept", "closed by the host"])
def hooks(request: pytest.FixtureRequest) -> Iterator[Hooks]:
    server = Hooks(drop=request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_answers_go_out_once_each_on_one_kept_connection(hooks: Hooks) -> None:
    respond = KeptRespond(hooks.url, KeptConnections())
    for i in range(5):
        answer = respond(text=f"answer {i}", response_type="ephemeral")
        assert (answer.status_code, answer.body) == (200, "ok")
    assert [b["text"] for b in hooks.bodies] == [f"answer {i}" for i in range(5)]
    assert hooks.connections == (5 if hooks.drop else 1)


def test_the_json_is_what_bolts_respond_sends(fake_slack: FakeSlack) -> None:
    blocks = [section(md("*Partnership* with {}", "<!channel> & co"))]
    arguments: dict[str, Any] = {
        "text": "Partnership with Acme",
        "blocks": blocks,
        "response_type": "ephemeral",
        "replace_original": False,
    }
    Respond(response_url=fake_slack.response_url("bolt"))(**arguments)
    KeptRespond(fake_slack.response_url("kept"), KeptConnections())(**arguments)
    Respond(response_url=fake_slack.response_url("bolt"))(
        {"text": "whole", "delete_original": True}
    )
    KeptRespond(fake_slack.response_url("kept"), KeptConnections())(
        {"text": "whole", "delete_original": True}
    )
    bolt_said, kept_said, bolt_whole, kept_whole = fake_slack.responses[-4:]
    assert kept_said == bolt_said and kept_whole == bolt_whole
    assert kept_said["blocks"][0]["text"]["text"] == "*Partnership* with &lt;!channel&gt; &amp; co"


def test_only_http_urls_are_answered() -> None:
    respond = KeptRespond("file:///etc/passwd", KeptConnections())
    with pytest.raises(ValueError, match="not an http"):
        respond(text="no")
