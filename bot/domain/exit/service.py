"""Leaving a partnership gracefully: stepping back, ending it, and resuming after a reconnect.

Ending keeps every record (wins, rules, reviews, promises stay readable and exportable); it
stops what runs on its own (the review cadence, pending reminders) and withdraws open rule
proposals. Unresolved promises stay open: they are still owed unless the partner releases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import ExitField
from bot.domain.partners.service import is_owner, mentions, owners, require_vendor, side_of
from bot.domain.people import Actor, known
from bot.domain.reviews import schedules as review_schedules
from bot.domain.rules import log as rules_log
from bot.domain.rules import nudges as rules_nudges
from bot.domain.text import clean_text
from storage.models import Member, Partnership, PartnershipStatus, Side
from storage.models.outbox import Occurrence, OccurrenceStatus
from storage.models.rules import OPEN_PROPOSAL, DecisionKind, Proposal, ProposalStatus

MAX_CLOSING_NOTE = 3000
ENDED_REASON = "The partnership ended."


class ExitChoice(StrEnum):
    STEP_BACK = "step_back"
    END = "end"


@dataclass(frozen=True)
class ExitForm:
    """What the exit modal says."""

    choice: ExitChoice | None
    successor: str | None = None
    closing_note: str = ""


@dataclass(frozen=True)
class ExitOutcome:
    partnership: Partnership
    ended: bool
    successor: str | None = None
    closing_note: str | None = None
    # Who gets the export when it ended: the owners at that moment (and whoever ended it).
    recipients: tuple[str, ...] = ()


def default_closing_note(partnership: Partnership) -> str:
    return (
        f"Thank you, {partnership.partner_name}, for the work we did together. We're winding "
        "this partnership down; the wins, rules and reviews we recorded stay on record, and "
        "any promise we still owe you stays open until it is made good. Thank you!"
    )


def partnership_for_records(session: Session, channel_id: str) -> Partnership | None:
    """The channel's live partnership, or else the one that ended there most recently."""
    return session.scalar(
        select(Partnership)
        .where(Partnership.channel_id == channel_id)
        .order_by((Partnership.status == PartnershipStatus.ENDED).asc(), Partnership.id.desc())
        .limit(1)
    )


def _locked(session: Session, partnership_id: int) -> Partnership:
    """The partnership, row-locked on PostgreSQL so two exits can't both leave it ownerless."""
    partnership = session.get(
        Partnership, partnership_id, with_for_update=True, populate_existing=True
    )
    if partnership is None:
        raise NotFound("That partnership no longer exists.")
    return partnership


def _role(partnership: Partnership, actor: Actor) -> Member | None:
    return next((m for m in partnership.members if m.user_id == actor.user_id), None)


def require_may_leave(partnership: Partnership, form: ExitForm, actor: Actor) -> None:
    """Who may do what the exit modal asks, checked on every submission (a signed one can be
    made by hand) and before anyone is looked up in Slack.

    The vendor side only, as ``/partner exit`` that opens the modal; stepping back needs a role
    to step back from, and only an owner hands over to a successor (who becomes an owner): a
    rule approver who isn't an owner just stops approving.
    """
    ending = form.choice is ExitChoice.END
    require_vendor(partnership, actor, "end the partnership" if ending else "leave the partnership")
    if form.choice is not ExitChoice.STEP_BACK:
        return
    mine = _role(partnership, actor)
    if mine is None or (not mine.is_owner and not mine.is_approver):
        raise NotAllowed(
            "You have no role in the partnership with {} to step back "
            f"from. Its owners are {mentions(owners(partnership))}.",
            quoting=(partnership.partner_name,),
        )
    if form.successor and not mine.is_owner:
        raise NotAllowed(
            "Only an owner hands over to a successor. You're a rule approver, not an owner: "
            "stepping back just stops your approving, so leave this empty. To add an owner, "
            f"ask one of the owners ({mentions(owners(partnership))}) to add them in the "
            "setup (*Edit setup* on the partnership summary).",
            field=ExitField.SUCCESSOR,
        )


def leave(
    session: Session, partnership_id: int, form: ExitForm, actor: Actor, *, is_admin: bool = False
) -> ExitOutcome:
    """Carry out what the exit modal asked: step back (handing over if needed) or end it."""
    partnership = _locked(session, partnership_id)
    require_may_leave(partnership, form, actor)
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict(
            "The partnership with {} has already ended.", quoting=(partnership.partner_name,)
        )
    errors: dict[str, str] = {}
    note = clean_text(form.closing_note)
    if form.choice is None:
        errors[ExitField.CHOICE] = "Choose whether to step back or to end the partnership."
    if len(note) > MAX_CLOSING_NOTE:
        errors[ExitField.NOTE] = f"Keep the closing note under {MAX_CLOSING_NOTE} characters."
    collect(errors)
    if form.choice is ExitChoice.END:
        recipients = end_partnership(session, partnership, actor, is_admin=is_admin)
        return ExitOutcome(
            partnership, ended=True, closing_note=note or None, recipients=tuple(recipients)
        )
    successor = step_back(session, partnership, actor, form.successor)
    return ExitOutcome(partnership, ended=False, successor=successor)


def step_back(
    session: Session, partnership: Partnership, actor: Actor, successor: str | None
) -> str | None:
    """The actor stops being an owner (and approver); the last owner must hand over first.

    Returns the successor who became an owner, if one was named (only an owner names one).
    """
    require_may_leave(partnership, ExitForm(ExitChoice.STEP_BACK, successor), actor)
    mine = _role(partnership, actor)
    assert mine is not None  # require_may_leave refuses anyone without a role
    last_owner = mine.is_owner and owners(partnership) == [actor.user_id]
    if successor == actor.user_id:
        raise NotAllowed(
            "Name someone other than yourself to take over.", field=ExitField.SUCCESSOR
        )
    if successor:
        person = known(session, [successor]).get(successor)
        if person is None or person.team_id != partnership.vendor_team_id:
            raise NotAllowed(
                f"<@{successor}> isn't in your organization; an owner must be on the vendor side.",
                field=ExitField.SUCCESSOR,
            )
    elif last_owner:
        raise NotAllowed(
            "You're the last owner: name who takes over, or choose to end the partnership.",
            field=ExitField.SUCCESSOR,
        )
    if successor:
        heir = next((m for m in partnership.members if m.user_id == successor), None)
        if heir is None:
            heir = Member(user_id=successor, side=Side.VENDOR, is_owner=True, is_approver=False)
            partnership.members.append(heir)
        heir.is_owner = True
    mine.is_owner = False
    mine.is_approver = False
    if mine.contact_role is None:
        partnership.members.remove(mine)
    partnership.updated_at = utcnow()
    session.flush()
    return successor


def may_end(partnership: Partnership, actor: Actor, *, is_admin: bool) -> bool:
    """An owner, or an admin of the vendor's workspace (the caller checked the side)."""
    return is_owner(partnership, actor.user_id) or is_admin


def end_partnership(
    session: Session, partnership: Partnership, actor: Actor, *, is_admin: bool = False
) -> list[str]:
    """End the partnership once; returns who gets the export (its owners and the actor)."""
    require_vendor(partnership, actor, "end the partnership")
    if not may_end(partnership, actor, is_admin=is_admin):
        raise NotAllowed(
            f"Only the partnership's owners ({mentions(owners(partnership))}) or a workspace "
            "admin can end it. You can step back from your own role instead."
        )
    now = utcnow()
    changed = session.execute(
        update(Partnership)
        .where(Partnership.id == partnership.id, Partnership.status != PartnershipStatus.ENDED)
        .values(status=PartnershipStatus.ENDED, ended_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise Conflict(
            "The partnership with {} has already ended.", quoting=(partnership.partner_name,)
        )
    session.refresh(partnership)
    _stop_what_runs(session, partnership, actor)
    return list(dict.fromkeys([*owners(partnership), actor.user_id]))


def _stop_what_runs(session: Session, partnership: Partnership, actor: Actor) -> None:
    """Stop the cadence and pending reminders, and withdraw open rule proposals."""
    if review_schedules.schedule_of(session, partnership.id) is not None:
        review_schedules.pause(session, partnership, None, ENDED_REASON)
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.partnership_id == partnership.id, Proposal.status.in_(OPEN_PROPOSAL))
        .order_by(Proposal.id)
    )
    for proposal in proposals:
        rules_log.record(session, proposal, actor, Side.VENDOR, DecisionKind.WITHDRAW, ENDED_REASON)
        rules_log.set_status(session, proposal, ProposalStatus.WITHDRAWN, when=OPEN_PROPOSAL)
        rules_nudges.cancel(session, proposal)
    # Whatever was still to be sent for it (reviews, nudges, promise reminders) is not sent.
    session.execute(
        update(Occurrence)
        .where(
            Occurrence.partnership_id == partnership.id,
            Occurrence.status == OccurrenceStatus.PENDING,
        )
        .values(status=OccurrenceStatus.SKIPPED, last_error=ENDED_REASON, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def reconnected(
    session: Session, channel_id: str, team_id: str | None = None
) -> Partnership | None:
    """The channel is shared again: its paused partnership, whose owners get a resume offer.

    ``team_id`` is the workspace that joined (``connected_team_id``): a third organization
    joining doesn't bring the partner back, so it offers nothing.
    """
    partnership = session.scalar(
        select(Partnership).where(
            Partnership.channel_id == channel_id,
            Partnership.status == PartnershipStatus.DISCONNECTED,
        )
    )
    if partnership is None or not team_id or partnership.partner_team_id is None:
        return partnership
    return partnership if side_of(partnership, team_id) is not None else None


def resume(session: Session, partnership_id: int, actor: Actor) -> tuple[Partnership, bool]:
    """Resume a paused partnership; returns it and whether this call resumed it."""
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("That partnership no longer exists.")
    require_vendor(partnership, actor, "resume the partnership")
    if not is_owner(partnership, actor.user_id):
        raise NotAllowed(
            f"Only the partnership's owners ({mentions(owners(partnership))}) can resume it."
        )
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict(
            "The partnership with {} has ended; run /partner in the channel to start a new one.",
            quoting=(partnership.partner_name,),
        )
    now = utcnow()
    changed = session.execute(
        update(Partnership)
        .where(
            Partnership.id == partnership_id,
            Partnership.status == PartnershipStatus.DISCONNECTED,
        )
        .values(status=PartnershipStatus.ACTIVE, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(partnership)
    return partnership, bool(changed)
