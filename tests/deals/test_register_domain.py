"""Registering a deal in the domain: numbering, history, the conflict check, the terms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.domain.deals import service
from bot.domain.deals.accounts import account_key, clean_domain
from bot.domain.deals.conflicts import find_conflicts
from bot.domain.deals.form import DealForm
from bot.domain.deals.terms import DEFAULTS, terms_for
from bot.domain.errors import FormErrors, NotAllowed
from bot.domain.people import Actor
from sandbox import requests as rq
from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    DealConflict,
    Registration,
    RegistrationStatus,
    Rule,
    RuleCategory,
)
from tests.bench.harness import OTHER, PARTNER, VENDOR
from tests.bench.scenarios import link_partnership

DANA = Actor("U_DANA", PARTNER)
TERRY = Actor("U_TM", VENDOR)


def form(partnership_id: int, **changes: object) -> DealForm:
    values: dict[str, object] = {
        "partnership_id": partnership_id,
        "account": "Globex Corporation",
        "domain": "https://www.globex.com/about",
        "opportunity": "300 seats, EMEA",
        "amount": "120k",
        "currency": "EUR",
        "close_on": date(2027, 2, 1),
        "stage": "discovery",
        "note": "Their CIO asked us.",
    }
    values.update(changes)
    return DealForm(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ACME, Inc.", "acme"),
        ("The Acme Corporation", "Acme Corp."),
        ("Smith & Sons Ltd", "smith and sons"),
        ("Café Müller GmbH", "CAFE MULLER"),
        ("Ac\u200bme", "Acme"),
    ],
)
def test_account_names_that_mean_one_account_have_one_key(one: str, other: str) -> None:
    assert account_key(one) == account_key(other)


def test_different_accounts_keep_different_keys() -> None:
    assert account_key("Acme") != account_key("Acme Labs")
    assert account_key("Inc") == "inc"  # a name that is only a legal form keeps it


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("acme.com", "acme.com"),
        ("https://www.ACME.com/about?x=1", "acme.com"),
        ("sales@acme.com", "acme.com"),
        ("www.acme.co.uk:443", "acme.co.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("acme", None),
        ("10.0.0.1", None),
        ("acme..com", None),
        ("<script>.com", None),
        ("", None),
    ],
)
def test_domains_are_read_in_one_form(typed: str, domain: str | None) -> None:
    assert clean_domain(typed) == domain


def test_a_registration_is_numbered_kept_in_history_and_waits(bench, session) -> None:
    partnership = link_partnership(bench)
    done = service.register(session, form(partnership.id), DANA, "V1", "Europe/Berlin")
    again = service.register(session, form(partnership.id), DANA, "V1", "Europe/Berlin")
    second = service.register(
        session, form(partnership.id, account="Initech"), DANA, "V2", "Europe/Berlin"
    )
    session.commit()

    registration = done.registration
    assert done.new and not again.new and again.registration.id == registration.id
    assert (registration.label, second.registration.label) == ("D-1", "D-2")
    assert registration.status is RegistrationStatus.SUBMITTED
    assert registration.account_key == "globex"
    assert registration.account_domain == "globex.com"
    assert (str(registration.amount), registration.currency) == ("120000.00", "EUR")
    assert registration.partner_rep == "U_DANA"  # the partner's registrant, unless named
    assert done.terms == DEFAULTS
    kinds = session.scalars(
        select(DealChange.kind).where(DealChange.registration_id == registration.id)
    ).all()
    assert kinds == [DealChangeKind.REGISTERED]


def test_a_bad_form_changes_nothing(bench, session) -> None:
    partnership = link_partnership(bench)
    with pytest.raises(FormErrors) as refused:
        service.register(
            session,
            form(
                partnership.id,
                account=" , ",
                domain="not a domain",
                amount="12.345k",
                close_on=date(2026, 11, 1),
                stage="won",
            ),
            DANA,
            "V1",
            "Europe/Berlin",
        )
    assert set(refused.value.errors) == {
        "deal_account",
        "deal_domain",
        "deal_amount",
        "deal_close_on",
        "deal_stage",
    }
    assert session.scalar(select(func.count()).select_from(Registration)) == 0


def test_an_outsider_cannot_register(bench, session) -> None:
    partnership = link_partnership(bench)
    with pytest.raises(NotAllowed):
        service.register(session, form(partnership.id), Actor("U_OUT", OTHER), "V1", "UTC")


def test_the_same_account_is_found_across_one_vendor_and_only_there(bench, session) -> None:
    first = link_partnership(bench)
    second = link_partnership(bench, channel="C0SECOND", partner_name=rq.text("Initech Partners"))
    mine = service.register(session, form(first.id), DANA, "V1", "UTC").registration
    # By name in another partnership, by domain under another name, and a won one.
    by_domain = service.register(
        session, form(second.id, account="GX Holdings", domain="globex.com"), TERRY, "V2", "UTC"
    ).registration
    session.commit()

    found = find_conflicts(session, VENDOR, account_key("Globex Corp"), None, exclude_id=None)
    assert [(f.label, f.partnership_name, f.reason) for f in found] == [
        ("D-1", "Acme Resellers", ConflictReason.SAME_ACCOUNT)
    ]
    found = find_conflicts(session, VENDOR, "nothing alike", "globex.com")
    assert {f.registration_id for f in found} == {mine.id, by_domain.id}
    assert find_conflicts(session, "T_SOMEONE_ELSE", "globex", "globex.com") == []

    stored = session.scalars(
        select(DealConflict).where(DealConflict.registration_id == by_domain.id)
    ).all()
    assert [(c.other_registration_id, c.reason) for c in stored] == [
        (mine.id, ConflictReason.SAME_DOMAIN)
    ]

    mine.status = RegistrationStatus.REJECTED  # no longer claims the account
    by_domain.status = RegistrationStatus.WON
    session.commit()
    found = find_conflicts(session, VENDOR, "globex", "globex.com")
    assert [(f.registration_id, f.reason) for f in found] == [
        (by_domain.id, ConflictReason.ALREADY_WON)
    ]


def test_terms_come_from_the_deal_registration_rule_agreed_last(bench, session) -> None:
    from bot.domain.clock import utcnow

    partnership = link_partnership(bench)
    assert terms_for(session, partnership.id) == DEFAULTS

    def rule(number: int, category: RuleCategory, terms: dict | None) -> None:
        now = utcnow()
        session.add(
            Rule(
                partnership_id=partnership.id,
                number=number,
                title=f"Rule {number}",
                text="...",
                category=category,
                terms=terms,
                version=2,
                agreed_at=now,
                updated_at=now,
            )
        )
        session.flush()

    rule(1, RuleCategory.DEAL_REGISTRATION, None)
    rule(2, RuleCategory.OTHER, {"protection_days": 10})
    assert terms_for(session, partnership.id) == DEFAULTS
    rule(3, RuleCategory.DEAL_REGISTRATION, {"protection_days": 60, "extendable": False})
    terms = terms_for(session, partnership.id)
    assert (terms.protection_days, terms.decision_business_days, terms.extendable) == (60, 3, False)
    assert terms.source == "R-3 v2"
