"""Importing opportunities from the vendor's system of record into deal registrations.

Rows are matched by the CRM's opportunity id (``crm_id``, unique per vendor), so importing
the same file twice changes nothing the second time; a row may also name a registration made
in Slack (``registration``: D-4, with its channel or partner) to link it to its CRM id. Each
row is applied on its own: a refused row is reported with its reason and the others go on.
A row creates a registration (with the conflict check) or updates the fields it gives; a value
the row leaves empty leaves partnerbot's as it is. Every change is kept in the registration's
history as an import, with what was there before. Nothing here commits: the caller commits
the whole import, or rolls it back for a dry run, which so reports exactly what a real run
would do.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.deals import reminders
from bot.domain.deals.accounts import account_key
from bot.domain.deals.conflicts import find_conflicts, record_conflicts
from bot.domain.deals.crm import IMPORTER, Opportunity
from bot.domain.deals.crm_values import Refused, Values, quoted, read_values, text_of
from bot.domain.deals.import_report import (
    ImportReport,
    Outcome,
    RowResult,
    conflict_text,
    shown_fields,
)
from bot.domain.deals.service import next_number, snapshot
from bot.domain.deals.terms import Terms, terms_for
from bot.domain.text import match_key
from storage.models import (
    DealChange,
    DealChangeKind,
    DealConflict,
    DealStage,
    Partnership,
    PartnershipStatus,
    Registration,
    RegistrationStatus,
    Side,
)

MAX_CRM_ID = 64
log = logging.getLogger(__name__)
_LABEL = re.compile(r"^D-?(\d{1,9})$", re.IGNORECASE)

S = RegistrationStatus
# What an import may set a registration's status to, from what it is now. Decisions and
# closes the CRM made are applied; nothing goes back from a decision or a close.
MOVES: dict[RegistrationStatus, tuple[RegistrationStatus, ...]] = {
    S.SUBMITTED: (S.APPROVED, S.REJECTED, S.WON, S.LOST),
    S.MORE_INFO: (S.APPROVED, S.REJECTED, S.WON, S.LOST),
    S.APPROVED: (S.WON, S.LOST, S.EXPIRED),
    S.EXPIRED: (S.WON, S.LOST),
    S.REJECTED: (),
    S.WON: (),
    S.LOST: (),
}
# Statuses after which no reminder is due any more.
CLOSED = (S.REJECTED, S.WON, S.LOST, S.EXPIRED)
# A new registration may start in any status but "waiting for the partner's answer" (there
# was no question).
STARTS = tuple(s for s in RegistrationStatus if s is not S.MORE_INFO)


@dataclass
class Importer:
    """One import: the vendor's partnerships, the rows seen so far, and the report."""

    session: Session
    vendor_team_id: str
    now: datetime
    by_channel: dict[str, list[Partnership]] = field(default_factory=dict)
    by_name: dict[str, list[Partnership]] = field(default_factory=dict)  # by match_key
    seen: dict[str, str] = field(default_factory=dict)  # crm_id -> where it was first
    known_terms: dict[int, Terms] = field(default_factory=dict)

    def terms(self, partnership_id: int) -> Terms:
        """The terms in force (read once per partnership: an import doesn't change rules)."""
        if partnership_id not in self.known_terms:
            self.known_terms[partnership_id] = terms_for(self.session, partnership_id)
        return self.known_terms[partnership_id]

    def load(self) -> None:
        """The vendor's partnerships, each under its channel and its partner's name."""
        for p in self.session.scalars(
            select(Partnership)
            .where(Partnership.vendor_team_id == self.vendor_team_id)
            .order_by(Partnership.id)
        ):
            self.by_channel.setdefault(p.channel_id, []).append(p)
            self.by_name.setdefault(match_key(p.partner_name), []).append(p)

    def partnership(self, row: Opportunity) -> Partnership | None:
        """The partnership the row names by channel or partner name (None if it names none)."""
        channel, partner = text_of(row.channel), text_of(row.partner)
        if channel:
            found = self.by_channel.get(channel, [])
            live = [p for p in found if p.status is not PartnershipStatus.ENDED]
            if not found:
                raise Refused(f"channel {quoted(channel)} has no partnership of this workspace.")
            chosen = (live or found)[-1]
            if partner and match_key(partner) != match_key(chosen.partner_name):
                raise Refused(
                    f"channel {channel} is the partnership with {quoted(chosen.partner_name)}, "
                    f"not {quoted(partner)}."
                )
            return chosen
        if partner:
            found = self.by_name.get(match_key(partner), [])
            live = [p for p in found if p.status is not PartnershipStatus.ENDED]
            if not found:
                raise Refused(f"partner {quoted(partner)} has no partnership of this workspace.")
            if len(live) > 1:
                raise Refused(
                    f"{len(live)} partnerships are named {quoted(partner)}: give the channel."
                )
            return (live or found)[-1]
        return None

    def existing(
        self, crm_id: str, number: int | None, partnership: Partnership | None
    ) -> Registration | None:
        by_crm = (
            self.session.scalar(
                select(Registration).where(
                    Registration.vendor_team_id == self.vendor_team_id,
                    Registration.crm_id == crm_id,
                )
            )
            if crm_id
            else None
        )
        if by_crm is not None:
            if partnership is not None and by_crm.partnership_id != partnership.id:
                raise Refused(
                    f"crm_id {quoted(crm_id)} is {by_crm.label} in another partnership; a "
                    "registration doesn't move between partnerships."
                )
            if number is not None and by_crm.number != number:
                raise Refused(
                    f"crm_id {quoted(crm_id)} is {by_crm.label}, but the row says D-{number}."
                )
            return by_crm
        if number is None:
            return None
        if partnership is None:
            raise Refused(f"registration D-{number} needs the channel or partner it belongs to.")
        found = self.session.scalar(
            select(Registration).where(
                Registration.partnership_id == partnership.id, Registration.number == number
            )
        )
        if found is None:
            raise Refused(
                f"there is no D-{number} in the partnership with {partnership.partner_name}."
            )
        if found.crm_id and crm_id and found.crm_id != crm_id:
            raise Refused(
                f"D-{number} is linked to crm_id {quoted(found.crm_id)}, not {quoted(crm_id)}."
            )
        return found

    def apply(self, row: Opportunity) -> RowResult:
        result = RowResult(where=row.where, crm_id=text_of(row.crm_id) or None)
        try:
            if row.problem:
                raise Refused(row.problem)
            self._apply(row, result)
        except Refused as exc:
            result.outcome, result.reason = Outcome.REFUSED, str(exc)
            result.changes, result.conflicts = [], []
        return result

    def _apply(self, row: Opportunity, result: RowResult) -> None:
        crm_id = text_of(row.crm_id)
        if len(crm_id) > MAX_CRM_ID:
            raise Refused(f"crm_id is longer than {MAX_CRM_ID} characters.")
        label = text_of(row.registration)
        number = None
        if label:
            matched = _LABEL.match(label)
            if matched is None or int(matched.group(1)) == 0:
                raise Refused(f"registration {quoted(label)} isn't a number like D-12.")
            number = int(matched.group(1))
        if not crm_id and number is None:
            raise Refused("no crm_id (the CRM's opportunity id) to match the row by.")
        if crm_id:
            if crm_id in self.seen:
                raise Refused(f"crm_id {quoted(crm_id)} is also in {self.seen[crm_id]}.")
            self.seen[crm_id] = row.where
        partnership = self.partnership(row)
        registration = self.existing(crm_id, number, partnership)
        if registration is None:
            if partnership is None:
                raise Refused("a new registration needs its channel or partner.")
            result.partner = partnership.partner_name
            values = read_values(row, None, result.notes)
            self._guarded(lambda: self._create(partnership, crm_id, values, result))
            return
        owner = partnership or self.session.get(Partnership, registration.partnership_id)
        assert owner is not None
        result.partner, result.label = owner.partner_name, registration.label
        if owner.status is PartnershipStatus.ENDED:
            raise Refused(
                f"the partnership with {owner.partner_name} has ended; its records stay as "
                "they are."
            )
        values = read_values(row, registration.currency, result.notes)
        self._guarded(lambda: self._update(registration, owner, crm_id, values, result))

    def _guarded(self, work: Any) -> None:
        """Apply one row in a savepoint: a row the database refuses leaves no trace."""
        try:
            with self.session.begin_nested():
                work()
                self.session.flush()
        except IntegrityError as exc:
            log.info("an import row clashed with a concurrent change: %s", exc.orig)
            raise Refused(
                "it clashed with a change made at the same moment (another import, or a "
                "registration in Slack); import the file again to apply it."
            ) from None

    def _create(
        self, partnership: Partnership, crm_id: str, values: Values, result: RowResult
    ) -> None:
        missing = [
            column
            for column, value in (
                ("account", values.account),
                ("opportunity", values.opportunity),
                ("close_date", values.close_on),
            )
            if value is None
        ]
        if missing:
            raise Refused(f"a new registration needs {', '.join(missing)}.")
        if partnership.status is PartnershipStatus.ENDED:
            raise Refused(f"the partnership with {partnership.partner_name} has ended.")
        status = values.status or S.SUBMITTED
        if status not in STARTS:
            raise Refused(
                "a new registration can't start waiting for the partner's answer; import it "
                "as submitted."
            )
        assert values.account is not None and values.opportunity is not None
        assert values.close_on is not None
        registration = Registration(
            partnership_id=partnership.id,
            vendor_team_id=partnership.vendor_team_id,
            number=next_number(self.session, partnership),
            crm_id=crm_id,
            account_name=values.account,
            account_key=account_key(values.account),
            account_domain=values.domain,
            opportunity=values.opportunity,
            amount=values.amount,
            currency=values.currency,
            close_on=values.close_on,
            stage=values.stage or DealStage.QUALIFYING,
            partner_rep=values.partner_rep,
            note=values.note,
            status=S.SUBMITTED,
            registered_by=IMPORTER,
            registered_by_side=Side.VENDOR,
            channel_id=partnership.channel_id,
            extensions=0,
            created_at=self.now,
            updated_at=self.now,
        )
        self._set_status(registration, status, values.protected_until)
        self.session.add(registration)
        self.session.flush()
        self._conflicts(registration, result, new=True)
        self._history(registration, None)
        if registration.status is S.APPROVED:
            reminders.plan_protection(self.session, registration, partnership)
        result.outcome, result.label = Outcome.CREATED, registration.label

    def _set_status(
        self,
        registration: Registration,
        status: RegistrationStatus,
        protected_until: datetime | None,
    ) -> None:
        if status is registration.status:
            return
        if status in (S.APPROVED, S.REJECTED):
            terms = self.terms(registration.partnership_id)
            registration.decided_by, registration.decided_at = IMPORTER, self.now
            registration.rule_number = terms.rule_number
            registration.rule_version = terms.rule_version
            registration.protected_until = (
                (protected_until or terms.protected_until(self.now))
                if status is S.APPROVED
                else None
            )
        registration.status = status

    def _update(
        self,
        registration: Registration,
        partnership: Partnership,
        crm_id: str,
        values: Values,
        result: RowResult,
    ) -> None:
        moving = values.status is not None and values.status is not registration.status
        if moving and values.status not in MOVES[registration.status]:
            assert values.status is not None
            raise Refused(
                f"{registration.label} is {registration.status.value} in partnerbot and the "
                f"row says {values.status.value}: a registration doesn't go back from "
                f"{registration.status.value}."
            )
        before = snapshot(registration)
        shown_before = shown_fields(registration)
        if crm_id and registration.crm_id != crm_id:
            registration.crm_id = crm_id
        if values.account is not None and values.account != registration.account_name:
            registration.account_name = values.account
            registration.account_key = account_key(values.account)
        for attribute in ("account_domain", "opportunity", "partner_rep", "note"):
            value = getattr(values, "domain" if attribute == "account_domain" else attribute)
            if value is not None and value != getattr(registration, attribute):
                setattr(registration, attribute, value)
        funnel_changed = False
        if values.amount is not None and (values.amount, values.currency) != (
            registration.amount,
            registration.currency,
        ):
            registration.amount, registration.currency = values.amount, values.currency
            funnel_changed = True
        for attribute, value in (("stage", values.stage), ("close_on", values.close_on)):
            if value is not None and value != getattr(registration, attribute):
                setattr(registration, attribute, value)
                funnel_changed = True
        if moving:
            assert values.status is not None
            self._set_status(registration, values.status, values.protected_until)
        elif (
            values.protected_until is not None
            and registration.status is S.APPROVED
            and values.protected_until != registration.protected_until
        ):
            registration.protected_until = values.protected_until
        after = shown_fields(registration)
        result.changes = [
            (name, shown_before[name], after[name])
            for name in after
            if after[name] != shown_before[name]
        ]
        if not result.changes:
            result.outcome = Outcome.UNCHANGED
            return
        if funnel_changed:
            registration.updated_at = self.now
        self.session.flush()
        if any(name in ("account", "domain") for name, _, _ in result.changes):
            self._conflicts(registration, result)
        change = self._history(registration, before)
        if moving and registration.status is S.APPROVED:
            reminders.plan_protection(self.session, registration, partnership)
        elif moving and registration.status in CLOSED:
            reminders.cancel(self.session, registration)
        if registration.message_ts:  # both sides see the change in the card's thread
            reminders.announce(self.session, change, partnership.id, self.now)
        result.outcome = Outcome.UPDATED

    def _conflicts(self, registration: Registration, result: RowResult, new: bool = False) -> None:
        """The conflict check, as on a registration from Slack; a pair found before is kept
        once."""
        found = find_conflicts(
            self.session,
            self.vendor_team_id,
            registration.account_key,
            registration.account_domain,
            exclude_id=registration.id,
        )
        known = (
            set()
            if new
            else set(
                self.session.execute(
                    select(DealConflict.other_registration_id, DealConflict.reason).where(
                        DealConflict.registration_id == registration.id
                    )
                ).all()
            )
        )
        record_conflicts(
            self.session,
            registration,
            [f for f in found if (f.registration_id, f.reason) not in known],
            self.now,
        )
        result.conflicts = [conflict_text(f) for f in found]

    def _history(self, registration: Registration, before: dict[str, Any] | None) -> DealChange:
        change = DealChange(
            registration_id=registration.id,
            kind=DealChangeKind.IMPORTED,
            changed_by=IMPORTER,
            side=None,
            changed_at=self.now,
            before=before,
            after=snapshot(registration) | {"crm_id": registration.crm_id},
        )
        self.session.add(change)
        self.session.flush()
        return change


def import_opportunities(
    session: Session,
    rows: Any,
    vendor_team_id: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Apply each opportunity to the vendor's registrations and report what happened to each.
    The caller commits (or, for a dry run, rolls back)."""
    importer = Importer(session, vendor_team_id, now or utcnow())
    importer.load()
    return ImportReport([importer.apply(row) for row in rows], dry_run)
