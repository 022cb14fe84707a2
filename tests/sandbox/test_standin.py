"""What the Slack stand-in does for the sandbox beyond the flow tests' needs: triggers that
work once, modal stacks, answers to a response_url shown where Slack shows them."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from unittest import mock

import pytest

from sandbox.records import Channel
from sandbox.responses import ResponseTarget
from sandbox.slack import FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_channel(Channel("C1", "shared", ["U_TM", "UBOT"], ["T_VENDOR", "T_PARTNER"]))
    fake.add_channel(Channel("C2", "general", ["U_TM"], ["T_VENDOR"]))
    yield fake
    fake.stop()


def call(fake: FakeSlack, method: str, **args: object) -> dict:
    request = urllib.request.Request(
        fake.url + method, json.dumps(args).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def modal(title: str) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": []}


def test_a_trigger_opens_one_modal_for_its_person_within_three_seconds(slack: FakeSlack) -> None:
    slack.issue_trigger("U_TM", "t1")
    opened = call(slack, "views.open", trigger_id="t1", view=modal("One"))
    assert opened["ok"] and [v["id"] for v in slack.modal_stack("U_TM")] == [opened["view"]["id"]]
    assert call(slack, "views.open", trigger_id="t1", view=modal("Two"))["error"] == (
        "expired_trigger_id"
    )
    slack.issue_trigger("U_TM", "t2")
    later = time.monotonic() + 3.5
    with mock.patch("sandbox.viewsapi.time.monotonic", return_value=later):
        late = call(slack, "views.open", trigger_id="t2", view=modal("Late"))
    assert late["error"] == "expired_trigger_id"


def test_views_stack_up_to_three_and_close_from_the_top(slack: FakeSlack) -> None:
    for n in range(4):
        slack.issue_trigger("U_TM", f"t{n}")
    first = call(slack, "views.open", trigger_id="t0", view=modal("1"))["view"]
    second = call(slack, "views.push", trigger_id="t1", view=modal("2"))["view"]
    call(slack, "views.push", trigger_id="t2", view=modal("3"))
    assert call(slack, "views.push", trigger_id="t3", view=modal("4"))["error"] == (
        "push_limit_reached"
    )
    updated = call(slack, "views.update", view_id=second["id"], view=modal("2b"))["view"]
    assert updated["hash"] != second["hash"]
    slack.close_views("U_TM", second["id"])
    assert [v["id"] for v in slack.modal_stack("U_TM")] == [first["id"]]


def test_the_bot_posts_only_where_it_is_a_member(slack: FakeSlack) -> None:
    assert call(slack, "chat.postMessage", channel="C1", text="hi")["ok"]
    assert call(slack, "chat.postMessage", channel="C2", text="hi")["error"] == "not_in_channel"
    info = call(slack, "conversations.info", channel="C1")["channel"]
    assert info["is_ext_shared"] and info["connected_team_ids"] == ["T_VENDOR", "T_PARTNER"]


def test_response_url_answers_show_where_slack_shows_them(slack: FakeSlack) -> None:
    posted = call(slack, "chat.postMessage", channel="C1", text="card")
    url = slack.response_url("r1", ResponseTarget("U_TM", "C1", posted["ts"]))

    def respond(reply: dict) -> None:
        request = urllib.request.Request(url, json.dumps(reply).encode(), method="POST")
        urllib.request.urlopen(request, timeout=5).close()

    respond({"text": "only you", "response_type": "ephemeral", "replace_original": False})
    [note] = slack.ephemerals_for("U_TM")
    assert note.text == "only you" and note.channel == "C1"
    respond({"text": "edited", "replace_original": True})
    assert slack.message("C1", posted["ts"]).text == "edited"
    respond({"delete_original": True})
    assert slack.message("C1", posted["ts"]).deleted
    assert len(slack.responses) == 3  # the flow tests still see every answer
