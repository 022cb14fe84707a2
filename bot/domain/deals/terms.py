"""A partnership's deal-registration terms: from the rulebook, or the defaults.

A rule of the "deal registration" category may carry structured terms both sides agreed
with its text: how many days an approved registration protects the partner, in how many
business days the vendor decides, and whether a registration can be extended (once, for
another protection window). The rule in force that was agreed last wins; with none, the
defaults apply, and everything that shows terms says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.fields import RuleField
from bot.domain.reviews.cadence import add_business_days
from storage.models import Partnership, Rule, RuleCategory, RuleStatus

DEFAULT_PROTECTION_DAYS = 90
DEFAULT_DECISION_BUSINESS_DAYS = 3
DEFAULT_EXTENDABLE = True
MAX_EXTENSIONS = 1  # an extendable registration can be extended once

# Bounds a rule's terms must keep (checked when the rule is proposed or amended).
MAX_PROTECTION_DAYS = 730
MAX_DECISION_BUSINESS_DAYS = 60

# Keys of Rule.terms / RuleVersion.terms.
PROTECTION_DAYS = "protection_days"
DECISION_BUSINESS_DAYS = "decision_business_days"
EXTENDABLE = "extendable"


@dataclass(frozen=True)
class Terms:
    """What applies to a registration; ``rule_number`` and ``rule_version`` name the rule
    they come from (None: the defaults)."""

    protection_days: int = DEFAULT_PROTECTION_DAYS
    decision_business_days: int = DEFAULT_DECISION_BUSINESS_DAYS
    extendable: bool = DEFAULT_EXTENDABLE
    rule_number: int | None = None
    rule_version: int | None = None

    @property
    def from_rule(self) -> bool:
        return self.rule_number is not None

    @property
    def source(self) -> str:
        """ "R-3 v2", or "the default terms" (no rule of the partnership sets them)."""
        if self.rule_number is None:
            return "the default terms"
        return f"R-{self.rule_number} v{self.rule_version}"

    @property
    def max_extensions(self) -> int:
        return MAX_EXTENSIONS if self.extendable else 0

    def describe(self) -> str:
        """ "90 days of protection, a decision within 3 business days, extendable once"."""
        days = "day" if self.protection_days == 1 else "days"
        business = "business day" if self.decision_business_days == 1 else "business days"
        extend = "extendable once" if self.extendable else "not extendable"
        return (
            f"{self.protection_days} {days} of protection, a decision within "
            f"{self.decision_business_days} {business}, {extend}"
        )

    def protected_until(self, start: datetime) -> datetime:
        """The end of a protection window that starts at ``start``."""
        return start + timedelta(days=self.protection_days)

    def decide_by(self, submitted: datetime, partnership: Partnership) -> datetime:
        """When the vendor's decision is due: business days of the partnership's calendar."""
        return add_business_days(
            submitted,
            self.decision_business_days,
            partnership.time_zone,
            partnership.holiday_country,
        )


DEFAULTS = Terms()


def from_json(
    terms: dict[str, Any] | None, rule_number: int | None = None, rule_version: int | None = None
) -> Terms | None:
    """The terms a rule carries (values it leaves out take the defaults), or None when it
    carries none."""
    if not terms:
        return None

    def number(key: str, default: int, top: int) -> int:
        value = terms.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            return default
        return value

    extendable = terms.get(EXTENDABLE)
    return Terms(
        protection_days=number(PROTECTION_DAYS, DEFAULT_PROTECTION_DAYS, MAX_PROTECTION_DAYS),
        decision_business_days=number(
            DECISION_BUSINESS_DAYS, DEFAULT_DECISION_BUSINESS_DAYS, MAX_DECISION_BUSINESS_DAYS
        ),
        extendable=extendable if isinstance(extendable, bool) else DEFAULT_EXTENDABLE,
        rule_number=rule_number,
        rule_version=rule_version,
    )


def read_terms(
    protection_days: str, decision_days: str, extendable: str | None, category: RuleCategory
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The terms typed in the rule modal, as Rule.terms holds them (only those given; None
    when none is), and the field errors. Only a deal-registration rule carries terms."""
    typed = {
        RuleField.PROTECTION_DAYS: protection_days.strip(),
        RuleField.DECISION_DAYS: decision_days.strip(),
        RuleField.EXTENDABLE: (extendable or "").strip(),
    }
    given = [name for name, value in typed.items() if value]
    if not given:
        return None, {}
    if category is not RuleCategory.DEAL_REGISTRATION:
        return None, {
            given[0]: "Only a deal-registration rule carries these terms: choose that category, "
            "or leave them empty."
        }
    terms: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, key, top, what in (
        (RuleField.PROTECTION_DAYS, PROTECTION_DAYS, MAX_PROTECTION_DAYS, "days"),
        (
            RuleField.DECISION_DAYS,
            DECISION_BUSINESS_DAYS,
            MAX_DECISION_BUSINESS_DAYS,
            "business days",
        ),
    ):
        value = typed[name]
        if not value:
            continue
        if value.isascii() and value.isdigit() and 1 <= int(value) <= top:
            terms[key] = int(value)
        else:
            errors[name] = f"Write a whole number of {what} from 1 to {top}, or leave it empty."
    choice = typed[RuleField.EXTENDABLE]
    if choice in ("yes", "no"):
        terms[EXTENDABLE] = choice == "yes"
    elif choice:
        errors[RuleField.EXTENDABLE] = "Choose whether a registration can be extended."
    return (terms or None) if not errors else None, errors


def terms_for(session: Session, partnership_id: int) -> Terms:
    """The terms in force for a partnership: those of its deal-registration rule in force that
    carries terms and was agreed last, or the defaults."""
    # A JSON column may hold SQL NULL or JSON null for "no terms": they are told apart here,
    # among the partnership's few deal-registration rules.
    rules = session.scalars(
        select(Rule)
        .where(
            Rule.partnership_id == partnership_id,
            Rule.category == RuleCategory.DEAL_REGISTRATION,
            Rule.status == RuleStatus.IN_FORCE,
        )
        .order_by(Rule.agreed_at.desc(), Rule.id.desc())
    )
    for rule in rules:
        found = from_json(rule.terms, rule.number, rule.version)
        if found is not None:
            return found
    return DEFAULTS
