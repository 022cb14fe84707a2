"""The partner takes part in a promise made to them: a plain card with a neutral first answer
(acknowledge, or "that's not what we agreed" with a note back to the maker), releasing offered
last, and "Promises made to you" on their App Home while the maker waits for them."""

from __future__ import annotations

import json

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import PromiseState
from tests.bench.harness import PARTNER, block_texts, response_json
from tests.promises.steps import (
    click_partner,
    dms,
    events,
    last_reply,
    made_good,
    make_promise,
    stored,
    texts,
)


def buttons(blocks) -> list[dict]:
    return [e for b in blocks or [] if b["type"] == "actions" for e in b["elements"]]


def button_value(blocks, action_id: str) -> str:
    return next(e["value"] for e in buttons(blocks) if e["action_id"] == action_id)


def home_of(bench, user: str) -> dict:
    """The person opens partnerbot's Home tab."""
    bench.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return bench.fake.home[user]


def test_the_partners_card_says_the_deal_plainly_and_offers_a_neutral_first_answer(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    [card] = dms(bench, "U_DANA")
    shown = texts(card)
    # who, what and by when once, in the sentence; the maker's company named
    assert card.text == "<@U_TM> (Vendor Inc) promises to make it up to you by Fri 4 Dec 2026."
    assert "*The promise*\nRegister your next three Globex opportunities first" in shown
    assert "*In return for*\nWe took the Globex deal direct" in shown
    assert "*To*" not in shown and "*By*" not in shown  # the headline isn't repeated
    assert "raw deal" not in shown.lower()
    # a neutral first answer; releasing is there, but last and not red
    acknowledge, dispute, release = buttons(card.blocks)
    assert (acknowledge["text"]["text"], acknowledge["action_id"]) == (
        "Acknowledge",
        Action.PROMISE_ACKNOWLEDGE,
    )
    assert (dispute["text"]["text"], dispute["action_id"]) == (
        "That's not what we agreed",
        Action.PROMISE_DISPUTE,
    )
    assert release["action_id"] == Action.PROMISE_RELEASE and "style" not in release
    assert release["text"]["text"] == "Release them from it"
    assert release["confirm"]["title"]["text"] == "Release the promise?"
    # the maker's card words the deal the same way
    [maker_card] = dms(bench, "U_TM")
    assert "*In return for*\nWe took the Globex deal direct" in texts(maker_card)
    assert "raw deal" not in texts(maker_card).lower()
    assert stored(bench, promise.id).state is PromiseState.OPEN


def test_the_partner_acknowledges_and_the_maker_hears_it(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    [card] = dms(bench, "U_DANA")
    click_partner(bench, Action.PROMISE_ACKNOWLEDGE, str(promise.id), message={"ts": card.ts})
    # the card becomes what they answered, with only the release left
    answered = last_reply(bench)
    assert answered["replace_original"] is True
    shown = block_texts(answered["blocks"])
    assert "<@U_DANA> acknowledged it on Mon 30 Nov 2026." in shown
    assert [b["action_id"] for b in buttons(answered["blocks"])] == [Action.PROMISE_RELEASE]
    assert "acknowledged your promise" in dms(bench, "U_TM")[-1].text
    assert events(bench, promise.id) == ["made", "acknowledged"]

    # a double click: nothing more is recorded, and they are told why
    click_partner(bench, Action.PROMISE_ACKNOWLEDGE, str(promise.id), message={"ts": card.ts})
    assert "already answered" in last_reply(bench)["text"]
    assert events(bench, promise.id) == ["made", "acknowledged"]
    assert stored(bench, promise.id).state is PromiseState.OPEN


def test_that_is_not_what_we_agreed_sends_a_note_back_to_the_maker(
    bench, fake_slack, partnership, clock
):
    promise = make_promise(bench)
    [card] = dms(bench, "U_DANA")
    click_partner(bench, Action.PROMISE_DISPUTE, str(promise.id), message={"ts": card.ts})
    view = bench.last_view()
    assert view["callback_id"] == Callback.PROMISE_DISPUTE
    assert view["submit"]["text"] == "Send"
    assert "What did you agree?" in json.dumps(view)
    # a note is needed: the maker must know what to fix
    empty = bench.submit({B.PROMISE_COMMENT: rq.text(" ")}, user="U_DANA", user_team=PARTNER)
    assert B.PROMISE_COMMENT in response_json(empty)["errors"]
    assert events(bench, promise.id) == ["made"]

    note = "We agreed on five opportunities, not three"
    bench.submit({B.PROMISE_COMMENT: rq.text(note)}, user="U_DANA", user_team=PARTNER)
    told = dms(bench, "U_TM")[-1]
    assert f"<@U_DANA> says this promise isn't what you agreed: “{note}”" in told.text
    assert Action.PROMISE_RENEGOTIATE in json.dumps(told.blocks)  # their buttons, to act on it
    # the partner's card (in their DM) now says what they answered
    updated = fake_slack.message("DU_DANA", card.ts)
    shown = texts(updated)
    assert f"<@U_DANA> told <@U_TM> this isn't what was agreed: “{note}”" in shown
    assert [b["action_id"] for b in buttons(updated.blocks)] == [Action.PROMISE_RELEASE]
    assert events(bench, promise.id) == ["made", "disputed"]
    assert stored(bench, promise.id).state is PromiseState.OPEN


def test_promises_made_to_the_partner_are_on_their_app_home(bench, fake_slack, partnership, clock):
    promise = make_promise(bench)
    home = home_of(bench, "U_DANA")
    shown = block_texts(home["blocks"])
    assert "Promises made to you" in shown
    assert "*Register your next three Globex opportunities first* · from <@U_TM>" in shown
    assert "due in 4 days, on Fri 4 Dec 2026" in shown
    ids = json.dumps(home["blocks"])
    assert Action.PROMISE_ACKNOWLEDGE in ids and Action.PROMISE_CONFIRM not in ids

    # acknowledged from the Home: the card in their DM follows
    bench.click(
        Action.PROMISE_ACKNOWLEDGE, str(promise.id), user="U_DANA", user_team=PARTNER, view=home
    )
    [card] = dms(bench, "U_DANA")
    assert "<@U_DANA> acknowledged it" in texts(fake_slack.message("DU_DANA", card.ts))
    assert Action.PROMISE_ACKNOWLEDGE not in json.dumps(fake_slack.home["U_DANA"]["blocks"])

    # the maker says it's done: Confirm / Not yet wait for them on their Home
    made_good(bench, promise.id)
    home = home_of(bench, "U_DANA")
    assert "<@U_TM> says it's done and waits for you" in block_texts(home["blocks"])
    value = button_value(home["blocks"], Action.PROMISE_CONFIRM)
    bench.click(Action.PROMISE_CONFIRM, value, user="U_DANA", user_team=PARTNER, view=home)
    assert stored(bench, promise.id).state is PromiseState.KEPT
    assert "your promise is kept" in dms(bench, "U_TM")[-1].text
    # nothing owed any more: the section is gone
    assert "Promises made to you" not in block_texts(fake_slack.home["U_DANA"]["blocks"])


def test_the_maker_sees_no_promises_made_to_them(bench, fake_slack, partnership, clock):
    make_promise(bench)
    assert "Promises made to you" not in block_texts(home_of(bench, "U_TM")["blocks"])
