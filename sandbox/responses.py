"""response_url: where an app's answers to a command or a click go, as Slack shows them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sandbox.records import Call, Message
from sandbox.webapi import StandInState


@dataclass
class ResponseTarget:
    """Where a response_url's answers go: the person who acted, where, and on what."""

    user: str
    channel: str
    message_ts: str | None = None  # the message whose button was clicked
    ephemeral: bool = False  # that message was only theirs


class ResponseUrls(StandInState):
    calls: list[Call]
    responses: list[dict[str, Any]]
    response_targets: dict[str, ResponseTarget]

    def base_address(self) -> str:
        raise NotImplementedError

    def changed(self) -> None:
        raise NotImplementedError

    def response_url(self, name: str = "r", target: ResponseTarget | None = None) -> str:
        """A response_url; with a ``target``, what is sent to it shows where Slack shows it."""
        if target is not None:
            with self._lock:
                self.response_targets[name] = target
        return f"{self.base_address()}/response/{name}"

    def respond(self, name: str, reply: dict[str, Any]) -> None:
        """A post to a response_url: recorded, and shown where Slack shows it when the
        url was made with a target."""
        with self._lock:
            self.calls.append(Call("response_url", reply, time.time()))
            self.responses.append(reply)
            target = self.response_targets.get(name)
            if target is not None:
                self._apply_response(target, reply)
        self.changed()

    def _apply_response(self, target: ResponseTarget, reply: dict[str, Any]) -> None:
        source: Message | None = None
        pool = self.ephemerals if target.ephemeral else self.messages
        for m in pool:
            if m.channel == target.channel and m.ts == target.message_ts:
                source = m
        if reply.get("delete_original") and source is not None:
            source.deleted = True
            return
        if reply.get("replace_original") and source is not None:
            source.text, source.blocks = reply.get("text"), reply.get("blocks")
            return
        message = Message(
            channel=target.channel,
            ts=self._next_ts(),
            text=reply.get("text"),
            blocks=reply.get("blocks"),
            thread_ts=reply.get("thread_ts"),
        )
        if reply.get("response_type") == "in_channel":
            self.messages.append(message)
        else:
            message.user = target.user
            self.ephemerals.append(message)
