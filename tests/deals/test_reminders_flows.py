"""Deal registration's reminders through the outbox, on the ticker's clock: the decision
nudge to the approvers once it is overdue, the protection reminder 14 days before the end
(with Extend as the terms allow, and Update stage), the extension, and the end of protection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.domain.deals import reminders
from bot.runtime import make_ticker
from bot.scheduler import TickReport
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import (
    DealChangeKind,
    Occurrence,
    OccurrenceStatus,
    RegistrationStatus,
    Rule,
    RuleCategory,
    RuleStatus,
)
from tests.bench.harness import SlackBench, block_texts
from tests.bench.scenarios import link_partnership
from tests.deals.funnel_flows import approved_deal, card_buttons
from tests.deals.registering import (
    TEAMS,
    card_text,
    changes,
    decide,
    dms,
    get,
    register,
    thread_texts,
)

# Registered and approved at the frozen moment: Tue 1 Dec 2026, 10:00 in New York.
DECISION_DUE = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # three business days: Fri 10:00
PROTECTED_UNTIL = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # 90 days of protection
REMINDER_DUE = datetime(2027, 2, 15, 15, 0, tzinfo=UTC)  # 14 days before


def near(moment: datetime | None, expected: datetime) -> bool:
    """The frozen clock ticks while requests run: a plan made "now" is a few seconds on."""
    return moment is not None and abs(moment - expected) < timedelta(minutes=1)


MINUTE = timedelta(minutes=1)


def tick(bench: SlackBench, clock, now: datetime) -> TickReport:
    clock.move_to(now)
    return make_ticker(bench.settings, bench.sessions).tick(now)


def planned(bench: SlackBench, kind: str) -> list[Occurrence]:
    with bench.session() as session:
        found = list(
            session.scalars(
                select(Occurrence).where(Occurrence.kind == kind).order_by(Occurrence.id)
            )
        )
        session.expunge_all()
        return found


def text_of(message) -> str:
    return (message.text or "") + "\n" + block_texts(message.blocks)


def buttons_of(message) -> list[str]:
    return [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def click_in_dm(bench: SlackBench, action: str, registration, user: str, message) -> None:
    response = bench.click(
        action,
        str(registration.id),
        user=user,
        user_team=TEAMS[user],
        channel=message.channel,
        message={"ts": message.ts, "text": message.text or ""},
    )
    assert response.status == 200, response.body


def test_a_decision_overdue_nudges_the_approvers_once(bench, fake_slack, clock):
    partnership = link_partnership(bench)
    waiting = register(bench, partnership.id, "U_DANA")
    other = {B.DEAL_ACCOUNT: rq.text("Initech"), B.DEAL_DOMAIN: rq.text("initech.com")}
    decided = register(bench, partnership.id, "U_PAT", **other)
    decide(bench, Action.DEAL_APPROVE, decided, "U_TM")
    [first, second] = planned(bench, reminders.DECISION)
    assert near(first.due_at, DECISION_DUE) and first.subject_id == waiting.id

    assert tick(bench, clock, DECISION_DUE - MINUTE).deliveries == []
    assert not [m for m in dms(bench, "U_TM") if "Decision due" in text_of(m)]

    report = tick(bench, clock, DECISION_DUE + MINUTE)
    outcomes = {d.key: d.outcome.value for d in report.deliveries}
    assert outcomes == {first.key: "sent", second.key: "skipped"}  # D-2 was decided in time
    for approver in ("U_TM", "U_CAM"):  # no deal approvers named: the owners decide
        [nudge] = [m for m in dms(bench, approver) if "Decision due" in text_of(m)]
        text = text_of(nudge)
        # the tone follows where it stands: due today, calm
        assert text.startswith(":hourglass: *Decision due today:* *D-1* Globex Corporation")
        assert (
            "<@U_DANA> (Acme Resellers) registered it on Tue 1 Dec 2026 and waits for a "
            "decision from Vendor Inc: 3 business days under the default terms." in text
        )
        # what happens next, and the decisions right here (or the card, by its link)
        assert "This is the only reminder: until someone decides, the card shows" in text
        assert buttons_of(nudge) == [
            Action.DEAL_APPROVE,
            Action.DEAL_REJECT,
            Action.DEAL_ASK,
            Action.OPEN_LINK,
        ]
        [opener] = [e for b in nudge.blocks if b["type"] == "actions" for e in b["elements"]][3:]
        assert opener["url"].startswith("https://slack.test/archives/")
    assert not [m for m in dms(bench, "U_DANA") if "Decision due" in text_of(m)]

    # never twice, whatever the ticks
    assert tick(bench, clock, datetime(2026, 12, 9, 15, 0, tzinfo=UTC)).deliveries == []
    assert len([m for m in dms(bench, "U_TM") if "Decision due" in text_of(m)]) == 1

    # the approver decides from the reminder itself: the modal opens on the card's deal
    nudge = next(m for m in dms(bench, "U_TM") if "Decision due" in text_of(m))
    click_in_dm(bench, Action.DEAL_APPROVE, waiting, "U_TM", nudge)
    assert bench.last_view()["title"]["text"] == "Approve D-1"


def test_a_nudge_sent_late_is_firmer(bench, fake_slack, clock):
    partnership = link_partnership(bench)
    register(bench, partnership.id, "U_DANA")
    # partnerbot was down for a week: the nudge goes out six days after its deadline
    tick(bench, clock, DECISION_DUE + timedelta(days=6))
    [nudge] = [m for m in dms(bench, "U_TM") if "Overdue" in text_of(m)]
    text = text_of(nudge)
    assert text.startswith(":rotating_light: *Overdue by 6 days:*")
    assert "has waited 6 days past the 3 business days of the default terms. Decide today" in text


def test_protection_ending_reminds_once_with_extend_and_extend_follows_the_terms(
    bench, fake_slack, clock
):
    _partnership, deal = approved_deal(bench)
    assert near(deal.protected_until, PROTECTED_UNTIL)
    [reminder] = planned(bench, reminders.PROTECTION)
    assert near(reminder.due_at, REMINDER_DUE)

    report = tick(bench, clock, REMINDER_DUE - MINUTE)
    assert [(d.kind, d.outcome.value) for d in report.deliveries] == [
        (reminders.DECISION, "skipped")  # it was decided in time: no nudge
    ]
    report = tick(bench, clock, REMINDER_DUE + MINUTE)
    assert [(d.kind, d.outcome.value) for d in report.deliveries] == [
        (reminders.PROTECTION, "sent")
    ]
    for person in ("U_DANA", "U_TM", "U_CAM"):  # the partner rep and the owners
        [dm] = [m for m in dms(bench, person) if "Protection ends" in text_of(m)]
        assert buttons_of(dm) == [Action.DEAL_EXTEND, Action.DEAL_UPDATE, Action.OPEN_LINK]
        text = text_of(dm)
        assert text.startswith(":shield: *Protection ends in 14 days:* *D-1* Globex Corporation")
        assert "Extend it for another 90 days (the default terms), or update where it stands." in (
            text
        )
        assert "What happens next: when it ends, the registration expires" in text
        # extending can't be undone: Slack asks first, with the new end
        [extend] = [
            e
            for b in dm.blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == Action.DEAL_EXTEND
        ]
        assert extend["confirm"]["title"]["text"] == "Extend the protection?"
        assert (
            "D-1 will be protected until Sun 30 May 2027 instead of Mon 1 Mar 2027"
            in (extend["confirm"]["text"]["text"])
        )
    # each in their own words and clock: the rep's registration, the owners' partner's
    dana = text_of(next(m for m in dms(bench, "U_DANA") if "Protection ends" in text_of(m)))
    assert (
        "Your registration protects Acme Resellers on this account until Mon 1 Mar 2027, " in dana
    )
    assert "16:00 Berlin time" in dana
    terry = text_of(next(m for m in dms(bench, "U_TM") if "Protection ends" in text_of(m)))
    assert "The registration protects Acme Resellers on this account until Mon 1 Mar 2027, " in (
        terry
    )
    assert "10:00 New York time" in terry
    assert tick(bench, clock, datetime(2027, 2, 16, 15, 0, tzinfo=UTC)).deliveries == []
    [dana_dm] = [m for m in dms(bench, "U_DANA") if "Protection ends" in text_of(m)]

    # the partner rep extends it from the DM: another 90 days, seen in the card's thread
    click_in_dm(bench, Action.DEAL_EXTEND, deal, "U_DANA", dana_dm)
    extended = get(bench, deal.id)
    assert near(extended.protected_until, datetime(2027, 5, 30, 15, 0, tzinfo=UTC))
    assert extended.extensions == 1
    last = changes(bench, deal.id)[-1]
    assert (last.kind, last.changed_by) == (DealChangeKind.EXTENDED, "U_DANA")
    assert (
        ":shield: <@U_DANA> (Acme Resellers) extended its protection until <!date^"
        in thread_texts(bench, deal)[-1]
    )
    told = fake_slack.responses[-1]["text"]
    assert (
        "Extended: *D-1* Globex Corporation — 300 seats, EMEA rollout is protected until " in told
    )
    assert "Sun 30 May 2027, 17:00 Berlin time" in told  # Dana's clock
    assert "It can't be extended again under the default terms" in told

    # the terms allow one extension: a second press is refused and changes nothing
    click_in_dm(bench, Action.DEAL_EXTEND, deal, "U_TM", dana_dm)
    assert (
        "D-1 was already extended: under the default terms, a registration can be extended "
        "once." in fake_slack.responses[-1]["text"]
    )
    assert get(bench, deal.id).protected_until == extended.protected_until

    # the new window's reminder comes 14 days before its end, without Extend
    _first, again = planned(bench, reminders.PROTECTION)
    assert near(again.due_at, datetime(2027, 5, 16, 15, 0, tzinfo=UTC))
    tick(bench, clock, again.due_at + MINUTE)
    latest = [m for m in dms(bench, "U_DANA") if "Protection ends" in text_of(m)][-1]
    assert buttons_of(latest) == [Action.DEAL_UPDATE, Action.OPEN_LINK]
    assert "extended already, as far as the terms allow (the default terms)" in text_of(latest)

    # protection ended: the registration expires, and the card's thread says so
    assert tick(bench, clock, datetime(2027, 5, 30, 14, 58, tzinfo=UTC)).materialized == 0
    report = tick(bench, clock, datetime(2027, 5, 30, 15, 2, tzinfo=UTC))
    assert report.materialized == 1
    assert get(bench, deal.id).status is RegistrationStatus.EXPIRED
    assert changes(bench, deal.id)[-1].kind is DealChangeKind.EXPIRED
    assert (
        ":hourglass: D-1: its protection ended, so the registration expired: it no longer "
        "claims the account, and can still be marked won or lost." in thread_texts(bench, deal)[-1]
    )
    assert "Its protection ended on <!date^" in card_text(bench, deal)
    assert card_buttons(bench, deal)[-3:] == [
        Action.DEAL_WON,
        Action.DEAL_LOST,
        Action.DEAL_HISTORY,
    ]
    assert tick(bench, clock, datetime(2027, 6, 1, 15, 0, tzinfo=UTC)).materialized == 0


def test_terms_that_allow_no_extension_show_no_extend(bench, fake_slack, clock):
    partnership = link_partnership(bench)
    with bench.session() as session:
        session.add(
            Rule(
                partnership_id=partnership.id,
                number=1,
                status=RuleStatus.IN_FORCE,
                title="Deal registration",
                text="30 days of protection, decided within 2 business days, no extensions.",
                category=RuleCategory.DEAL_REGISTRATION,
                terms={"protection_days": 30, "decision_business_days": 2, "extendable": False},
                version=1,
                agreed_at=datetime(2026, 11, 1, tzinfo=UTC),
                updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        session.commit()
    deal = register(bench, partnership.id, "U_DANA")
    [nudge] = planned(bench, reminders.DECISION)
    assert near(nudge.due_at, datetime(2026, 12, 3, 15, 0, tzinfo=UTC))  # 2 business days
    decide(bench, Action.DEAL_APPROVE, deal, "U_TM")
    [reminder] = planned(bench, reminders.PROTECTION)
    assert near(reminder.due_at, datetime(2026, 12, 17, 15, 0, tzinfo=UTC))  # 31 Dec less 14 days
    tick(bench, clock, reminder.due_at + MINUTE)
    [dm] = [m for m in dms(bench, "U_DANA") if "Protection ends" in text_of(m)]
    assert buttons_of(dm) == [Action.DEAL_UPDATE, Action.OPEN_LINK]
    # the tone follows the days left, whatever the window
    assert text_of(dm).startswith(":shield: *Protection ends in 14 days:*")
    assert "It can't be extended under R-1 v1" in text_of(dm)
    # a hand-made Extend is refused all the same
    click_in_dm(bench, Action.DEAL_EXTEND, deal, "U_DANA", dm)
    assert "can't be extended under R-1 v1" in fake_slack.responses[-1]["text"]
    assert get(bench, deal.id).extensions == 0


def test_a_partner_rep_slack_wont_let_us_dm_is_reminded_in_the_cards_thread(
    bench, fake_slack, clock
):
    _partnership, deal = approved_deal(bench)
    fake_slack.users["U_DANA"].dm_refused = True
    tick(bench, clock, REMINDER_DUE + MINUTE)
    [line] = [t for t in thread_texts(bench, deal) if "Protection ends" in t]
    assert line.startswith("<@U_DANA>: :shield: *Protection ends in 14 days:*")
    # both companies read the thread: the end is a date token, each reader's own clock
    assert "on this account until <!date^" in line and "Berlin time" not in line
    fresh = get(bench, deal.id)
    [message] = [m for m in fake_slack.posts(fresh.channel_id) if "Protection ends" in text_of(m)]
    assert buttons_of(message) == [Action.DEAL_EXTEND, Action.DEAL_UPDATE]
    assert [m for m in dms(bench, "U_TM") if "Protection ends" in text_of(m)]  # owners by DM
    [occurrence] = planned(bench, reminders.PROTECTION)
    assert occurrence.status is OccurrenceStatus.SENT
