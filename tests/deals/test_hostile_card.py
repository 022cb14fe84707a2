"""What people type about a deal (account, domain, opportunity, note, a reason, a question, an
answer; the partners' names) reaches Slack only as text: the card, its thread, the note to the
vendor's approvers and the modals, whatever the registration's status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.domain.deals.conflicts import Found
from bot.domain.deals.form import DealForm
from bot.domain.deals.records import Card
from bot.domain.deals.terms import Terms
from bot.domain.partners.names import Sides
from bot.domain.text import clean_line
from handlers.deals import messages, modals
from handlers.deals import reminders as reminder_views
from handlers.deals.history import change_line
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    DealStage,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
)
from tests.bench.hostile import HOSTILE
from tests.bench.scenarios import link_partnership
from tests.deals.registering import card, register, thread
from tests.rules.test_hostile_text import assert_inert

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
# Short enough for the form (an opportunity holds 150 characters).
FITS = [h for h in HOSTILE if len(h) <= 150]


def partnership(name: str, pid: int = 1) -> Partnership:
    return Partnership(
        id=pid,
        channel_id="C0SHARED",
        partner_name=name,
        vendor_team_id="T_VENDOR",
        partner_team_id="T_PARTNER",
        status=PartnershipStatus.ACTIVE,
        time_zone="America/New_York",
        created_by="U_TM",
        created_at=NOW,
        updated_at=NOW,
        members=[],
    )


def registration(h: str, status: RegistrationStatus) -> Registration:
    return Registration(
        id=5,
        partnership_id=1,
        vendor_team_id="T_VENDOR",
        number=4,
        account_name=h,
        account_key="x",
        account_domain=h,
        opportunity=h,
        amount=Decimal("120000"),
        currency="EUR",
        close_on=date(2027, 3, 31),
        stage=DealStage.DISCOVERY,
        partner_rep="U_DANA",
        note=h,
        status=status,
        registered_by="U_DANA",
        registered_by_side=Side.PARTNER,
        channel_id="C0SHARED",
        message_ts="1.1",
        decided_by="U_TM" if status is not RegistrationStatus.SUBMITTED else None,
        decided_at=NOW,
        decision_note=h,
        rule_number=2,
        rule_version=1,
        protected_until=NOW + timedelta(days=90),
        extensions=0,
        created_at=NOW,
        updated_at=NOW,
    )


def card_of(h: str, status: RegistrationStatus) -> Card:
    found = [
        Found(9, 1, h, 1, RegistrationStatus.APPROVED, ConflictReason.SAME_ACCOUNT, None),
        Found(10, 2, h, 3, RegistrationStatus.WON, ConflictReason.ALREADY_WON, None),
    ]
    return Card(
        registration=registration(h, status),
        partnership=partnership(h),
        terms=Terms(rule_number=2, rule_version=1),
        product_line=h,
        approvers=["U_TM"],
        decide_by=NOW + timedelta(days=3),
        names=Sides(f"Vendor {h}", h),
        conflicts=found,
        asked_by="U_TM" if status is RegistrationStatus.MORE_INFO else None,
    )


def change(h: str, kind: DealChangeKind) -> DealChange:
    return DealChange(
        id=1,
        registration_id=5,
        kind=kind,
        changed_by="U_TM",
        side=Side.VENDOR,
        changed_at=NOW,
        comment=h,
    )


@pytest.mark.parametrize("h", HOSTILE)
@pytest.mark.parametrize("status", list(RegistrationStatus))
def test_the_card_shows_what_was_typed_as_text(h: str, status: RegistrationStatus) -> None:
    c = card_of(h, status)
    typed = [h] if status in (RegistrationStatus.MORE_INFO, RegistrationStatus.REJECTED) else []
    c.registration.lost_reason = h
    if status is RegistrationStatus.LOST:
        typed = [h]
    assert_inert(messages.registration_card(c), h, *typed)


@pytest.mark.parametrize("h", HOSTILE)
@pytest.mark.parametrize(
    "kind",
    [
        DealChangeKind.APPROVED,
        DealChangeKind.REJECTED,
        DealChangeKind.ASKED,
        DealChangeKind.ANSWERED,
    ],
)
def test_the_thread_notes_show_reasons_questions_and_answers_as_text(
    h: str, kind: DealChangeKind
) -> None:
    c = card_of(h, RegistrationStatus.SUBMITTED)
    typed = [] if kind is DealChangeKind.APPROVED else [h]
    assert_inert(messages.decision_note(c, change(h, kind)), *typed)


@pytest.mark.parametrize("h", HOSTILE)
@pytest.mark.parametrize("kind", list(DealChangeKind))
def test_the_funnels_thread_lines_show_names_and_reasons_as_text(
    h: str, kind: DealChangeKind
) -> None:
    c = card_of(h, RegistrationStatus.APPROVED)
    line = change(h, kind)
    line.after = {"status": "approved", "amount": "1", "currency": "EUR", "account": h}
    line.before = {"status": "won", "restores": "approved", "account": "x"}
    assert_inert(change_line(line, c.registration, c.names))


@pytest.mark.parametrize("h", HOSTILE)
def test_the_reminders_show_names_as_text(h: str) -> None:
    c = card_of(h, RegistrationStatus.APPROVED)
    due = NOW + timedelta(days=3)
    nudge = reminder_views.decision_nudge(
        c.registration, c.names, 3, "R-2 v1", None, due_at=due, now=due, tz="Europe/Berlin"
    )
    assert_inert(nudge, h)
    for tz, side in (("Europe/Berlin", Side.PARTNER), (None, None)):
        reminder = reminder_views.protection_reminder(
            c.registration,
            c.names,
            c.terms,
            True,
            None,
            now=NOW,
            tz=tz,
            partnership_tz="America/New_York",
            side=side,
        )
        assert_inert(reminder, h)


@pytest.mark.parametrize("h", HOSTILE)
def test_the_approvers_note_and_the_modals_show_names_as_text(h: str) -> None:
    c = card_of(h, RegistrationStatus.MORE_INFO)
    assert_inert(messages.conflicts_note(c, "https://slack.test/archives/C0SHARED/p1"), h)
    for modal in (modals.approve_modal, modals.reject_modal, modals.ask_modal):
        assert_inert(modal(c), h)
    assert_inert(modals.answer_modal(c), h)
    draft = DealForm(
        partnership_id=1, account=h, opportunity=h, close_on=None, stage="discovery", note=h
    )
    assert_inert(
        modals.register_modal(modals.DealModalDefaults(draft=draft, partnership=partnership(h))),
        h,
    )


@pytest.mark.parametrize("h", FITS)
def test_a_hostile_registration_through_slack_stays_text(bench, fake_slack, h: str) -> None:
    p = link_partnership(bench)
    stored = register(
        bench,
        p.id,
        "U_DANA",
        **{
            B.DEAL_ACCOUNT: rq.text(f"Globex {h}"),
            B.DEAL_OPPORTUNITY: rq.text(h),
            B.DEAL_NOTE: rq.text(h),
            B.DEAL_DOMAIN: rq.text(""),
        },
    )
    assert stored.account_name == clean_line(f"Globex {h}")
    assert "\u200b" not in stored.opportunity and "\u202e" not in (stored.note or "")
    message = card(bench, stored)
    assert_inert({"text": message.text, "blocks": message.blocks}, clean_line(h))
    assert thread(bench, stored) == []
