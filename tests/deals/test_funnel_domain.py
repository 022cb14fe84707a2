"""The funnel's services under frozen time, on SQLite and on PostgreSQL: what an update
records, the order of the funnel, when reminders are planned, and expiry happening once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.deals import changes, funnel, reminders
from bot.domain.deals.changes import FunnelValues
from bot.domain.errors import Conflict, FormErrors, NotAllowed
from bot.domain.people import Actor
from storage.engine import make_session_factory
from storage.models import (
    Base,
    DealChange,
    DealChangeKind,
    DealStage,
    Member,
    Occurrence,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
    Workspace,
)

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)
DANA = Actor("U_DANA", "T_PARTNER")
TM = Actor("U_TM", "T_VENDOR")
VIC = Actor("U_VIC", "T_VENDOR")  # in the vendor's workspace, named nowhere
KIM = Actor("U_KIM", "T_PARTNER")  # at the partner, not named in the partnership


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, engine) -> Iterator[Session]:
    """A session on SQLite, or on PostgreSQL when the tests have one."""
    if request.param == "postgresql":
        bind = request.getfixturevalue("pg_engine")
        Base.metadata.create_all(bind)
    else:
        bind = engine
    with freeze_time(NOW), make_session_factory(bind)() as session:
        yield session


def partnership_in(session: Session) -> Partnership:
    session.add(Workspace(team_id="T_VENDOR", active=True, installed_at=NOW))
    session.flush()
    p = Partnership(
        channel_id="C0SHARED",
        partner_name="Acme Resellers",
        vendor_team_id="T_VENDOR",
        partner_team_id="T_PARTNER",
        status=PartnershipStatus.ACTIVE,
        time_zone="America/New_York",
        holiday_country="US",
        created_by="U_TM",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(p)
    session.flush()
    session.add_all(
        [
            Member(partnership_id=p.id, user_id="U_TM", side=Side.VENDOR, is_owner=True),
            Member(partnership_id=p.id, user_id="U_PAT", side=Side.PARTNER, is_approver=True),
        ]
    )
    session.flush()
    session.refresh(p)
    return p


def deal(
    session: Session,
    p: Partnership,
    number: int,
    *,
    amount: str | None = "120000",
    currency: str | None = "EUR",
    close_on: date = date(2027, 3, 31),
    status: RegistrationStatus = RegistrationStatus.APPROVED,
    protected_until: datetime | None = NOW + timedelta(days=90),
    updated_at: datetime = NOW,
) -> Registration:
    r = Registration(
        partnership_id=p.id,
        vendor_team_id=p.vendor_team_id,
        number=number,
        account_name=f"Account {number}",
        account_key=f"account {number}",
        opportunity="Seats",
        amount=Decimal(amount).quantize(Decimal("0.01")) if amount else None,
        currency=currency,
        close_on=close_on,
        stage=DealStage.DISCOVERY,
        partner_rep="U_DANA",
        status=status,
        registered_by="U_DANA",
        registered_by_side=Side.PARTNER,
        protected_until=protected_until if status is RegistrationStatus.APPROVED else None,
        extensions=0,
        created_at=NOW - timedelta(days=10),
        updated_at=updated_at,
    )
    session.add(r)
    session.flush()
    return r


def test_an_update_records_only_the_fields_changed_against_what_the_modal_showed(db):
    p = partnership_in(db)
    r = deal(db, p, 1)
    shown = changes.values_of(r)
    # someone else cleared the amount after the modal was opened
    r.amount, r.currency = None, None
    form = FunnelValues("commit", shown.amount, shown.currency, shown.close_on)
    done = changes.update_funnel(db, r.id, form, shown, DANA, "V1", "Europe/Berlin")
    assert done.change is not None
    assert (done.change.before, done.change.after) == ({"stage": "discovery"}, {"stage": "commit"})
    assert r.amount is None  # the other person's change stands
    # the same submission again records nothing
    assert changes.update_funnel(db, r.id, form, shown, DANA, "V1", "Europe/Berlin").change is None
    # clearing the amount and currency (another deal) is one change of both
    other = deal(db, p, 2)
    shown = changes.values_of(other)
    cleared = FunnelValues(shown.stage, "", "", shown.close_on)
    done = changes.update_funnel(db, other.id, cleared, shown, TM, "V2", "UTC")
    assert done.change is not None and done.change.side is Side.VENDOR
    assert done.change.before == {"amount": "120000.00", "currency": "EUR"}
    assert done.change.after == {"amount": None, "currency": None}
    assert (other.amount, other.currency, other.updated_at) == (None, None, NOW)


def test_who_may_change_the_funnel(db):
    p = partnership_in(db)
    r = deal(db, p, 1)
    assert changes.may_work(p, r, DANA)  # the partner rep (and registrant)
    assert changes.may_work(p, r, Actor("U_PAT", "T_PARTNER"))  # named at the partner
    assert changes.may_work(p, r, TM)  # an owner
    assert not changes.may_work(p, r, VIC)
    assert not changes.may_work(p, r, KIM)
    assert not changes.may_work(p, r, Actor("U_OUT", "T_OTHER"))
    with pytest.raises(NotAllowed) as refused:
        changes.require_worker(p, r, VIC, "update this deal")
    assert str(refused.value) == (
        "Only the partnership's owners, its deal approvers and whoever registered the deal can "
        "update this deal. Ask <@U_TM> to name you a deal approver in the setup."
    )
    # the partner's people are pointed to the deal's people and the owners, by name
    with pytest.raises(NotAllowed) as refused:
        changes.require_worker(p, r, KIM, "update this deal")
    assert str(refused.value) == (
        "Only the deal's rep, whoever registered it and the people of Acme Resellers named in "
        "the partnership can update this deal. Ask <@U_DANA>, or ask one of the owners at the "
        "vendor (<@U_TM>) to add you to the partnership's contacts."
    )
    with pytest.raises(NotAllowed, match="two organizations") as refused:
        changes.require_worker(p, r, Actor("U_OUT", "T_OTHER"), "update this deal")
    assert "Acme" not in str(refused.value)


def test_bad_values_are_field_errors_and_change_nothing(db):
    p = partnership_in(db)
    r = deal(db, p, 1)
    shown = changes.values_of(r)
    bad = FunnelValues("won", "lots", "EUR", date(2020, 1, 1))
    with pytest.raises(FormErrors) as errors:
        changes.update_funnel(db, r.id, bad, shown, DANA, "V1", "UTC")
    assert set(errors.value.errors) == {"deal_stage", "deal_amount", "deal_close_on"}
    assert db.scalars(select(DealChange)).all() == []
    assert r.stage is DealStage.DISCOVERY


def test_the_funnel_puts_what_matters_most_first(db):
    p = partnership_in(db)
    deal(db, p, 1, amount="50000", currency="USD")
    deal(db, p, 2, amount="900000", currency="EUR")
    deal(db, p, 3, amount="250000", currency="USD", close_on=date(2027, 5, 1))
    deal(db, p, 4, amount="250000", currency="USD", close_on=date(2027, 2, 1))
    deal(db, p, 5, amount=None, currency=None, updated_at=NOW - timedelta(days=31))
    deal(db, p, 6, amount="999999", currency="USD", status=RegistrationStatus.WON)
    page = funnel.funnel_page(db, p.id, NOW)
    assert [r.number for r in page.registrations] == [4, 3, 1, 2, 5]
    assert (page.total, page.stale) == (5, 1)
    assert funnel.is_stale(page.registrations[-1], NOW)
    assert funnel.days_since_update(page.registrations[-1], NOW) == 31


def test_protection_reminders_are_planned_14_days_ahead_or_halfway(db):
    p = partnership_in(db)
    long = deal(db, p, 1, protected_until=NOW + timedelta(days=90))
    short = deal(db, p, 2, protected_until=NOW + timedelta(days=10))
    assert reminders.plan_protection(db, long, p)
    assert not reminders.plan_protection(db, long, p)  # keyed: planned once
    assert reminders.plan_protection(db, short, p)
    due = {o.subject_id: o.due_at for o in db.scalars(select(Occurrence))}
    assert due == {long.id: NOW + timedelta(days=76), short.id: NOW + timedelta(days=5)}


def test_protection_that_ended_expires_once(db):
    p = partnership_in(db)
    ended = deal(db, p, 1, protected_until=NOW - timedelta(minutes=1))
    deal(db, p, 2, protected_until=NOW + timedelta(minutes=1))
    assert reminders.expire_due(db, NOW) == 1
    assert reminders.expire_due(db, NOW) == 0
    db.refresh(ended)
    assert ended.status is RegistrationStatus.EXPIRED
    [change] = db.scalars(select(DealChange)).all()
    assert (change.kind, change.changed_by) == (DealChangeKind.EXPIRED, "partnerbot")
    [line] = db.scalars(select(Occurrence).where(Occurrence.kind == reminders.CHANGE)).all()
    assert line.subject_id == change.id
    # an expired deal can't be extended, nor updated
    with pytest.raises(Conflict, match="expired"):
        changes.extend(db, ended.id, DANA)


def test_an_ended_partnerships_deals_stay_as_they_are(db):
    p = partnership_in(db)
    r = deal(db, p, 1)
    p.status = PartnershipStatus.ENDED
    db.flush()
    with pytest.raises(Conflict, match="has ended"):
        changes.workable(db, r.id, DANA, "update this deal")
    with pytest.raises(Conflict, match="has ended"):
        changes.extend(db, r.id, TM)
