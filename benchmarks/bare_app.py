"""The baseline: a Bolt app that only calls ack(), served exactly like partnerbot."""

from __future__ import annotations

import os
from concurrent.futures import Executor

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.server import HttpServer


def build(listener_executor: Executor | None = None) -> App:
    # Bolt authorizes each request with auth.test (cached): point it at the same fake Slack.
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        client=client,
        listener_executor=listener_executor,
    )

    @app.command("/partner")
    def command(ack: Ack) -> None:
        ack()

    @app.action("partnership_show_summary")
    def click(ack: Ack) -> None:
        ack()

    return app


def main() -> None:
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    app = build()
    HttpServer(
        lambda: SlackRequestHandler(app),
        port=int(os.environ["PORT"]),
        workers=1,
        log_level="WARNING",
    ).run()


if __name__ == "__main__":
    main()
