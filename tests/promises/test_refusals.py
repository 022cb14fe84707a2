"""Every wrong clicker is refused with an explanation, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Promise, PromiseState
from tests.bench.harness import OTHER, PARTNER, VENDOR, response_json
from tests.promises.steps import (
    click_partner,
    events,
    last_reply,
    made_good,
    make_promise,
    make_values,
    pending_reminders,
    stored,
)

# (user, their workspace)
OUTSIDER = ("U_OUT", OTHER)
OTHER_VENDOR_USER = ("U_VAL", VENDOR)  # in the vendor workspace, no part in this promise
WRONG_PARTNER_PERSON = ("U_PAT", PARTNER)  # at the partner, but not owed this promise
MAKER = ("U_TM", VENDOR)
OWNER = ("U_CAM", VENDOR)
OWED_TO = ("U_DANA", PARTNER)


@pytest.fixture
def promise(bench, fake_slack, partnership, clock):
    fake_slack.add_user("U_VAL", VENDOR, "Val Vendor", "America/New_York")
    return make_promise(bench)


def snapshot(bench, promise_id):
    p = stored(bench, promise_id)
    return (p.state, p.due_date, p.snoozed_until, p.proposed_due_date, p.reminder_plan)


def refused(bench, promise, action, value, who, expected):
    before = snapshot(bench, promise.id), events(bench, promise.id)
    views_before = len(bench.fake.views)
    user, team = who
    response = bench.click(action, value, user=user, user_team=team, channel="D" + user)
    assert response.status == 200
    reply = last_reply(bench)
    assert expected in reply["text"], reply["text"]
    if who is not OUTSIDER:
        assert "Nothing was changed" in reply["text"]
    assert reply.get("response_type") == "ephemeral"
    assert (snapshot(bench, promise.id), events(bench, promise.id)) == before
    assert len(bench.fake.views) == views_before  # no modal opened for them


MAKER_ONLY = [
    (Action.PROMISE_MADE_GOOD, "{id}"),
    (Action.PROMISE_RENEGOTIATE, "{id}"),
    (Action.PROMISE_SNOOZE, None),
]


@pytest.mark.parametrize(("action", "value"), MAKER_ONLY)
@pytest.mark.parametrize("who", [OUTSIDER, OTHER_VENDOR_USER, WRONG_PARTNER_PERSON, OWED_TO])
def test_only_the_maker_or_an_owner_acts_on_the_reminders(bench, promise, action, value, who):
    expected = "Only <@U_TM>, who made this promise, or an owner of the Acme Resellers"
    if who is OUTSIDER:  # told nothing about the partnership or the people in it
        expected = "Only people from the two organizations in this partnership can do that."
    if value is None:
        user, team = who
        before = snapshot(bench, promise.id)
        bench.click(action, "", user=user, user_team=team, selected_option=f"{promise.id}:1d")
        assert expected in last_reply(bench)["text"]
        assert snapshot(bench, promise.id) == before
        return
    refused(bench, promise, action, value.format(id=promise.id), who, expected)


def test_an_owner_who_is_not_the_maker_may_mark_it_made_good(bench, promise):
    bench.click(Action.PROMISE_MADE_GOOD, str(promise.id), user="U_CAM", channel="DU_CAM")
    assert bench.last_view()["callback_id"] == Callback.PROMISE_MADE_GOOD


PARTNER_ONLY = [
    Action.PROMISE_CONFIRM,
    Action.PROMISE_NOT_YET,
    Action.PROMISE_RELEASE,
    Action.PROMISE_ACCEPT_DATE,
    Action.PROMISE_DECLINE_DATE,
]


@pytest.mark.parametrize("action", PARTNER_ONLY)
@pytest.mark.parametrize("who", [OUTSIDER, OTHER_VENDOR_USER, WRONG_PARTNER_PERSON, MAKER, OWNER])
def test_only_the_person_owed_answers_for_the_partner(bench, promise, action, who):
    made_good(bench, promise.id)
    value = str(promise.id)
    if action in (Action.PROMISE_ACCEPT_DATE, Action.PROMISE_DECLINE_DATE):
        value = f"{promise.id}:1"
    expected = "Only <@U_DANA> at Acme Resellers, to whom this promise was made"
    if who is OUTSIDER:  # told nothing about the partnership or the people in it
        expected = "Only people from the two organizations in this partnership can do that."
    refused(bench, promise, action, value, who, expected)
    assert stored(bench, promise.id).state is PromiseState.MADE_GOOD


def test_a_modal_submitted_by_the_wrong_person_is_refused_too(bench, promise):
    made_good(bench, promise.id)
    click_partner(bench, Action.PROMISE_NOT_YET, str(promise.id))
    view = bench.last_view()
    response = bench.submit(
        {B.PROMISE_COMMENT: rq.text("not yet")}, user="U_PAT", user_team=PARTNER, view=view
    )
    body = response_json(response)
    assert body["response_action"] == "update"
    assert "Only <@U_DANA>" in str(body["view"])
    assert stored(bench, promise.id).state is PromiseState.MADE_GOOD


def test_double_clicks_and_late_clicks_change_nothing(bench, promise):
    made_good(bench, promise.id)
    click_partner(bench, Action.PROMISE_CONFIRM, str(promise.id))
    click_partner(bench, Action.PROMISE_CONFIRM, str(promise.id))
    assert "already kept and closed" in last_reply(bench)["text"]
    click_partner(bench, Action.PROMISE_RELEASE, str(promise.id))
    assert "already kept and closed" in last_reply(bench)["text"]
    bench.click(Action.PROMISE_MADE_GOOD, str(promise.id), channel="DU_TM")
    assert "already kept and closed" in last_reply(bench)["text"]
    assert events(bench, promise.id) == ["made", "made_good", "confirmed"]
    assert pending_reminders(bench, promise.id) == []


def test_a_resubmitted_view_makes_one_promise(bench, fake_slack, partnership, clock):
    bench.command("/promise")
    view = bench.last_view()
    bench.submit(make_values(), view=view)
    bench.submit(make_values(), view=view)
    with bench.session() as session:
        assert session.scalar(select(func.count()).select_from(Promise)) == 1
    assert len(fake_slack.posts("DU_DANA")) == 1 and len(fake_slack.posts("DU_TM")) == 1


def test_bad_promises_get_field_errors_and_nothing_is_stored(bench, fake_slack, partnership):
    bench.command("/promise")
    view = bench.last_view()
    body = response_json(
        bench.submit(
            make_values(owed_to="U_CAM", due="2026-11-27", **{B.PROMISE_TEXT: rq.text("   ")}),
            view=view,
        )
    )
    assert body["response_action"] == "errors"
    errors = body["errors"]
    assert set(errors) == {B.PROMISE_OWED_TO, B.PROMISE_TEXT, B.PROMISE_DUE}
    assert "isn't at Acme Resellers" in errors[B.PROMISE_OWED_TO]
    assert "in the past" in errors[B.PROMISE_DUE]
    body = response_json(bench.submit(make_values(owed_to="U_OUT"), view=view))
    assert "isn't at Acme Resellers" in body["errors"][B.PROMISE_OWED_TO]
    with bench.session() as session:
        assert session.scalar(select(func.count()).select_from(Promise)) == 0
    assert not fake_slack.calls_to("chat.postMessage")


def test_partner_side_and_outsiders_cannot_run_promise(bench, fake_slack, partnership):
    opened = len(fake_slack.views)
    response = bench.command("/promise", user="U_OUT", team=OTHER)
    assert "Only people at Vendor Inc can make promises" in response_json(response)["text"]
    assert len(fake_slack.views) == opened
