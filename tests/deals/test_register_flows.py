"""Registering a deal end to end: from the summary's button (partner) or /deal (vendor), the
card in the shared channel, the conflict check and who learns what of it."""

from __future__ import annotations

from handlers.ids import Action, Callback
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import (
    ConflictReason,
    DealChangeKind,
    DealConflict,
    RegistrationStatus,
)
from tests.bench.harness import CHANNEL, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.deals.registering import (
    JOINT,
    SECOND,
    card,
    card_text,
    changes,
    deal_values,
    dms,
    register,
    registrations,
)


def test_the_partner_registers_from_the_summary_and_the_card_is_posted(bench, fake_slack):
    partnership = link_partnership(bench)
    # The summary the partner's people see carries the button.
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user="U_DANA", user_team="T_PARTNER")
    shown = fake_slack.responses[-1]
    buttons = [
        e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert Action.DEAL_REGISTER in buttons

    registration = register(bench, partnership.id, "U_DANA")

    assert registration.label == "D-1"
    assert registration.status is RegistrationStatus.SUBMITTED
    assert registration.registered_by == "U_DANA"
    assert registration.partner_rep == "U_DANA"  # the partner's registrant, none named
    assert (registration.account_key, registration.account_domain) == ("globex", "globex.com")
    text = card_text(bench, registration)
    # both companies read the card: it names both alike, the registrant with their company
    assert f"*Deal registration D-1* · {JOINT}" in text
    assert "Registered by <@U_DANA> (Acme Resellers) on <!date^" in text
    assert "Globex Corporation" in text and "300 seats, EMEA rollout" in text
    assert "EUR 120,000" in text and "Cloud Backup" in text and "Wed 31 Mar 2027" in text
    assert "*Rep at Acme Resellers*\n<@U_DANA>" in text
    # who decides, by name and company, and by when (a date each reader sees in their zone)
    assert "Waiting for a decision from Vendor Inc: <@U_TM> or <@U_CAM>, due by <!date^" in text
    assert "|Fri 4 Dec 2026>" in text
    # the decisions' buttons say whose they are, and what the partner's rep will hear
    assert (
        "*Approve*, *Reject* and *Ask for more* are for the deal approvers at Vendor Inc. Each "
        "decision is posted in this thread, mentioning <@U_DANA>." in text
    )
    # no deal-registration rule: the defaults apply, and the card says so
    assert "90 days of protection, a decision within 3 business days, extendable once" in text
    assert "the default terms: no rule both companies agreed sets them" in text
    assert "Needs review" not in text and "vendor side" not in text
    actions = [
        e["action_id"]
        for b in card(bench, registration).blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert actions[:3] == [Action.DEAL_APPROVE, Action.DEAL_REJECT, Action.DEAL_ASK]
    # the modal says it is registered, posted where, and who decides (no command to run)
    told = block_texts(bench.last_view()["blocks"])
    assert (
        "Registered D-1: its card, waiting for a decision from Vendor Inc, is in <#C0SHARED>"
        in (told)
    )
    assert "/deal" not in told
    assert [c.kind for c in changes(bench, registration.id)] == [DealChangeKind.REGISTERED]


def test_the_vendor_registers_with_the_deal_command(bench, fake_slack):
    partnership = link_partnership(bench)
    response = bench.command("/deal")
    assert response.status == 200
    view = bench.last_view()
    assert view["callback_id"] == Callback.DEAL_REGISTER
    assert "Acme Resellers" in block_texts(view["blocks"])
    bench.submit(deal_values(**{B.DEAL_PARTNER_REP: rq.user("U_PAT")}))
    [registration] = registrations(bench)
    assert (registration.partnership_id, registration.registered_by) == (partnership.id, "U_TM")
    assert registration.partner_rep == "U_PAT"
    assert "<@U_PAT>" in card_text(bench, registration)


def test_bad_input_is_shown_under_its_field_and_nothing_is_stored(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.DEAL_REGISTER, str(partnership.id), user="U_DANA", user_team="T_PARTNER")
    # the partner's modal names both companies and the rep's field names the partner
    modal = bench.last_view()
    shown = block_texts(modal["blocks"])
    assert f"Deal registration · *{JOINT}*" in shown
    labels = [b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"]
    assert "Rep at Acme Resellers" in labels and "Note for Vendor Inc" in labels
    assert "the deal approvers at Vendor Inc decide" in shown
    response = bench.submit(
        deal_values(
            **{
                B.DEAL_ACCOUNT: rq.text("  "),
                B.DEAL_DOMAIN: rq.text("not a domain"),
                B.DEAL_AMOUNT: rq.text("12.345k"),
                B.DEAL_CLOSE_ON: rq.date("2026-11-02"),
                B.DEAL_PARTNER_REP: rq.user("U_TM"),
            }
        ),
        user="U_DANA",
        user_team="T_PARTNER",
    )
    errors = response_json(response)["errors"]
    assert set(errors) == {
        B.DEAL_ACCOUNT,
        B.DEAL_DOMAIN,
        B.DEAL_AMOUNT,
        B.DEAL_CLOSE_ON,
        B.DEAL_PARTNER_REP,
    }
    assert "12.345k" in errors[B.DEAL_AMOUNT]
    assert errors[B.DEAL_PARTNER_REP] == (
        "Terry TM isn't at Acme Resellers: choose someone there who works the deal."
    )
    assert registrations(bench) == []
    assert fake_slack.posts(CHANNEL)[-1].text.startswith("<@U_TM> linked")


def test_a_conflict_in_another_partnership_is_told_to_the_vendor_not_the_partner(bench, fake_slack):
    fake_slack.add_user("U_KIM", "T_PARTNER2", "Kim", "Europe/London")
    first = link_partnership(bench)
    second = link_partnership(
        bench,
        channel=SECOND,
        partner_name=rq.text("Initech Partners"),
        contacts_sales=rq.users("U_KIM"),
        contacts_operations=rq.users(),
    )
    theirs = register(
        bench,
        second.id,
        "U_KIM",
        channel=SECOND,
        **{
            B.DEAL_ACCOUNT: rq.text("Globex Corp."),
            B.DEAL_DOMAIN: rq.text("https://www.globex.com/"),
        },
    )
    fake_slack.reset_calls()

    mine = register(bench, first.id, "U_DANA")

    with bench.session() as session:
        [conflict] = session.query(DealConflict).filter_by(registration_id=mine.id).all()
        assert conflict.other_registration_id == theirs.id
        assert conflict.reason is ConflictReason.SAME_ACCOUNT
    shared = card_text(bench, mine)
    assert (
        ":mag: *Needs review:* this account may already be claimed, so the deal approvers at "
        "Vendor Inc check it before deciding." in shared
    )
    # what the partner reads names no other partner and none of their deal
    assert "Initech" not in shared and "In this partnership" not in shared
    # the vendor's approvers (the owners: none named) are told which partnership, by DM
    for owner in ("U_TM", "U_CAM"):
        [note] = dms(bench, owner)
        text = (note.text or "") + block_texts(note.blocks)
        assert "Initech Partners" in text and "D-1" in text and "the same account name" in text
        assert "Globex" in text  # this registration's own account
        assert "300 seats" not in text.split("Initech")[1]  # nothing of the other deal's
        assert "*D-1 from Acme Resellers may clash*" in text
        assert "the card tells Acme Resellers only that it needs review" in text
        assert (
            "Only the deal approvers at Vendor Inc see which registrations of other partners"
            in text
        )
        [opener] = [e for b in note.blocks if b["type"] == "actions" for e in b["elements"]]
        assert opener["text"]["text"] == "Open the card" and opener["url"].startswith("https://")
    assert dms(bench, "U_DANA") == [] and dms(bench, "U_KIM") == []
    assert not any("Initech" in (m.text or "") for m in fake_slack.posts(CHANNEL))


def test_a_won_account_and_one_registered_here_are_named_on_the_card(bench, fake_slack):
    partnership = link_partnership(bench)
    earlier = register(bench, partnership.id, "U_DANA")
    with bench.session() as session:
        session.get(type(earlier), earlier.id).status = RegistrationStatus.WON
        session.commit()
    again = register(bench, partnership.id, "U_PAT", **{B.DEAL_ACCOUNT: rq.text("GLOBEX, inc")})
    text = card_text(bench, again)
    assert "Needs review" in text and "In this partnership: D-1 (won, already won)" in text
    # the approvers' note says the card already shows both companies what it overlaps
    [note] = [m for m in dms(bench, "U_TM") if "may clash" in (m.text or "")]
    assert "The card shows both companies which registrations it overlaps." in (note.text or "")
    assert "Only the deal approvers" not in (note.text or "")


def test_the_review_prompt_carries_register_a_deal_and_it_opens_the_modal(bench, fake_slack):
    from datetime import UTC, date, datetime

    from bot.domain.partners.names import Sides
    from handlers.reviews.messages import prompt_message
    from storage.models import Review

    partnership = link_partnership(bench)
    review = Review(id=1, partnership_id=partnership.id, nominal_on=date(2026, 12, 1))
    prompt = prompt_message(
        partnership,
        Sides("Vendor Inc", "Acme Resellers"),
        review,
        [],
        datetime(2026, 11, 17, tzinfo=UTC),
    )
    [button] = [
        e
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.DEAL_REGISTER
    ]
    assert button["value"] == str(partnership.id)
    bench.click(Action.DEAL_REGISTER, button["value"], user="U_PAT", user_team="T_PARTNER")
    assert bench.last_view()["callback_id"] == Callback.DEAL_REGISTER
    # someone from a third organization holding the id opens nothing and learns nothing
    views = len(fake_slack.views)
    bench.click(Action.DEAL_REGISTER, button["value"], user="U_OUT", user_team="T_OTHER")
    assert len(fake_slack.views) == views
    assert "Acme" not in fake_slack.responses[-1]["text"]


def test_the_approvers_decision_modal_names_the_other_partnership(bench, fake_slack):
    fake_slack.add_user("U_KIM", "T_PARTNER2", "Kim", "Europe/London")
    first = link_partnership(bench)
    second = link_partnership(
        bench,
        channel=SECOND,
        partner_name=rq.text("Initech Partners"),
        contacts_sales=rq.users("U_KIM"),
        contacts_operations=rq.users(),
    )
    register(bench, second.id, "U_KIM", channel=SECOND)
    mine = register(bench, first.id, "U_DANA", **{B.DEAL_ACCOUNT: rq.text("Another name")})
    # matched by the domain alone
    fresh = registrations(bench)[-1]
    bench.click(
        Action.DEAL_REJECT, str(fresh.id), user="U_TM", message={"ts": fresh.message_ts, "text": ""}
    )
    modal = block_texts(bench.last_view()["blocks"])
    assert "D-1 with *Initech Partners*: waiting for a decision, the same domain" in modal
    assert "(1 registration; only you see those of other partners)" in modal
    # the partner pressing the same button gets a refusal, not the modal
    views = len(fake_slack.views)
    bench.click(Action.DEAL_REJECT, str(mine.id), user="U_DANA", user_team="T_PARTNER")
    assert len(fake_slack.views) == views
    assert "Initech" not in fake_slack.responses[-1]["text"]


def test_a_card_slack_refuses_is_kept_and_posted_again_once_the_channel_is_fixed(bench, fake_slack):
    partnership = link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    bench.click(Action.DEAL_REGISTER, str(partnership.id), user="U_DANA", user_team="T_PARTNER")
    bench.submit(deal_values(), user="U_DANA", user_team="T_PARTNER")
    [registration] = registrations(bench)
    assert registration.message_ts is None
    told = block_texts(bench.last_view()["blocks"])
    assert "Your registration D-1 is saved, but I couldn't show it in" in told
    assert "invite me there" in told
    [retry] = [
        e for b in bench.last_view()["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    del fake_slack.channel_errors[CHANNEL]
    bench.click(retry["action_id"], retry["value"], user="U_DANA", user_team="T_PARTNER")
    assert "Deal registration D-1" in card_text(bench, registration)
