"""Wins: logging a closed deal or a milestone, editing or withdrawing it, and posting state.

Either side of a partnership may log a win; only the person who logged it may change it, and
only for a day. Every change keeps what was there before in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import outbox
from bot.domain.clock import utcnow
from bot.domain.deals import outcomes
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import WinField
from bot.domain.partners.service import get_partnership, require_side
from bot.domain.people import Actor
from bot.domain.wins import lines
from bot.domain.wins.form import (
    WinForm,
    count_errors,
    credit_errors,
    validate,
)
from storage.models import (
    DealChange,
    Partnership,
    PartnershipStatus,
    Registration,
    Side,
    Win,
    WinChange,
    WinChangeKind,
    WinCredit,
)

EDITABLE_FOR = timedelta(hours=24)
# When a win's change window closes, its celebration is updated: the ⋯ menu goes.
MENU_CLOSES = "win.menu_closes"


def changeable_until(win: Win) -> datetime:
    """The end of the day in which the person who logged a win may change it."""
    return win.created_at + EDITABLE_FOR


def still_changeable(win: Win, now: datetime) -> bool:
    """Whether the celebration still offers Edit and Withdraw (the window, not who asks)."""
    return win.deleted_at is None and now < changeable_until(win)


def close_menu_later(session: Session, win: Win) -> None:
    """Plan the celebration's update for the moment its change window closes (once)."""
    outbox.enqueue(
        session,
        MENU_CLOSES,
        f"win:{win.id}:menu-closes",
        changeable_until(win),
        partnership_id=win.partnership_id,
        subject_id=win.id,
    )


def _credits(form: WinForm, current: list[WinCredit] | None = None) -> list[WinCredit]:
    """The people credited by a form; rows of people credited before are kept and reused."""
    existing = {c.user_id: c for c in current or []}
    credits: dict[str, WinCredit] = {}
    for side, user_ids in (
        (Side.PARTNER, form.partner_credits),
        (Side.VENDOR, form.vendor_credits),
    ):
        for user_id in user_ids:
            if user_id not in credits:
                credit = existing.get(user_id) or WinCredit(user_id=user_id, side=side)
                credit.side = side
                credits[user_id] = credit
    return list(credits.values())


def require_loggable(session: Session, form: WinForm, actor: Actor) -> tuple[Partnership, Side]:
    """The partnership a new win goes to and the actor's side in it, or a refusal.

    Everything here is cheap (the database, the form's own counts), so handlers call it before
    looking anyone up in Slack; ``log_win`` calls it again.
    """
    if form.partnership_id is None:
        raise NotFound("Choose the partnership this win belongs to.", field=WinField.PARTNERSHIP)
    partnership = get_partnership(session, form.partnership_id)
    side = require_side(partnership, actor)
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict("This partnership has ended; its wins can't be added to.")
    collect(count_errors(form))
    return partnership, side


def is_logged(session: Session, submission_key: str) -> bool:
    """Whether this submission already logged a win (Slack delivered it again)."""
    return session.scalar(select(Win.id).where(Win.submission_key == submission_key)) is not None


def log_win(
    session: Session, form: WinForm, actor: Actor, submission_key: str, tz: str
) -> tuple[Win, bool]:
    """Store a win; returns it and whether it is new (False for a repeated submission)."""
    existing = session.scalar(select(Win).where(Win.submission_key == submission_key))
    if existing is not None:
        return existing, False
    partnership, side = require_loggable(session, form, actor)
    valid, errors = validate(form, tz)
    errors |= credit_errors(session, partnership, form)
    collect(errors)
    assert valid is not None
    win = Win(
        partnership_id=partnership.id,
        submission_key=submission_key,
        kind=valid.kind,
        headline=valid.headline,
        amount=valid.amount,
        currency=valid.currency,
        closed_on=valid.closed_on,
        story=valid.story,
        logged_by=actor.user_id,
        logged_by_side=side,
        created_at=utcnow(),
        credits=_credits(form),
    )
    win.product_line = lines.product_line(
        session, partnership, form.product_line_id, form.new_product_line, actor
    )
    try:
        with session.begin_nested():  # the same view submitted twice at once
            session.add(win)
            session.flush()
    except IntegrityError:
        again = session.scalar(select(Win).where(Win.submission_key == submission_key))
        if again is None:
            raise
        return again, False
    return win, True


def get_win(session: Session, win_id: int) -> Win:
    win = session.get(Win, win_id)
    if win is None:
        raise NotFound("That win no longer exists.")
    return win


def require_changeable(win: Win, actor: Actor) -> None:
    """Only the person who logged a win may change it, within a day, and not once withdrawn."""
    if win.deleted_at is not None:
        raise Conflict("This win was already withdrawn.")
    if actor.user_id != win.logged_by:
        raise NotAllowed(
            f"Only <@{win.logged_by}>, who logged this win, can change it. Ask them, or log "
            "another win with the *Log a win* button on the partnership summary."
        )
    if not still_changeable(win, utcnow()):
        raise NotAllowed(
            "A win can be changed for 24 hours after it was logged, and this one is older. "
            "Its record stays as it is; log a new win if something was missed."
        )


def require_editable(session: Session, win_id: int, form: WinForm, actor: Actor) -> Win:
    """The win, if the actor may change it this way; cheap, so checked before any lookup."""
    win = get_win(session, win_id)
    require_changeable(win, actor)
    collect(count_errors(form))
    return win


def _snapshot(win: Win) -> dict[str, object]:
    return {
        "kind": win.kind.value,
        "headline": win.headline,
        "amount": str(win.amount) if win.amount is not None else None,
        "currency": win.currency,
        "product_line": win.product_line.name if win.product_line else None,
        "closed_on": win.closed_on.isoformat(),
        "story": win.story,
        "credits": {c.user_id: c.side.value for c in win.credits},
    }


def edit_win(
    session: Session, win_id: int, form: WinForm, actor: Actor, submission_key: str, tz: str
) -> tuple[Win, bool]:
    """Change a win; returns it and whether this submission changed it (False for a repeat)."""
    win = get_win(session, win_id)
    seen = session.scalar(select(WinChange).where(WinChange.submission_key == submission_key))
    if seen is not None:
        return win, False
    require_editable(session, win.id, form, actor)
    partnership = get_partnership(session, win.partnership_id)
    valid, errors = validate(form, tz)
    errors |= credit_errors(session, partnership, form)
    collect(errors)
    assert valid is not None
    change = WinChange(
        win_id=win.id,
        change=WinChangeKind.EDITED,
        changed_by=actor.user_id,
        changed_at=utcnow(),
        before=_snapshot(win),
        submission_key=submission_key,
    )
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except IntegrityError:
        return win, False
    win.kind, win.headline, win.story = valid.kind, valid.headline, valid.story
    win.amount, win.currency, win.closed_on = valid.amount, valid.currency, valid.closed_on
    win.product_line = lines.product_line(
        session, partnership, form.product_line_id, form.new_product_line, actor
    )
    win.credits = _credits(form, win.credits)
    win.edited_at = utcnow()
    session.flush()
    return win, True


@dataclass(frozen=True)
class Withdrawn:
    """A win just withdrawn, and, when it was a deal's win, the registration it no longer
    closes and the change that opened it again."""

    win: Win
    registration: Registration | None = None
    deal_change: DealChange | None = None


def withdraw_win(session: Session, win_id: int, actor: Actor) -> Withdrawn:
    """Withdraw a win (it stays on record, marked withdrawn, and no longer counts). A deal
    marked won with it is won no more: it goes back to where it was."""
    win = get_win(session, win_id)
    require_changeable(win, actor)
    before = _snapshot(win)
    now = utcnow()
    # The status check is in the UPDATE, so a double click withdraws (and audits) once.
    claimed = session.execute(
        update(Win).where(Win.id == win.id, Win.deleted_at.is_(None)).values(deleted_at=now)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise Conflict("This win was already withdrawn.")
    session.add(
        WinChange(
            win_id=win.id,
            change=WinChangeKind.WITHDRAWN,
            changed_by=actor.user_id,
            changed_at=now,
            before=before,
        )
    )
    session.flush()
    session.refresh(win)
    reopened = outcomes.win_withdrawn(session, win, actor, now)
    if reopened is None:
        return Withdrawn(win)
    return Withdrawn(win, *reopened)


def record_posts(
    session: Session,
    win: Win,
    channel_id: str | None,
    message_ts: str | None,
    copy_channel_id: str | None = None,
    copy_ts: str | None = None,
) -> None:
    """Remember where a win was celebrated, so edits can update those messages."""
    if message_ts:
        win.channel_id, win.message_ts = channel_id, message_ts
    if copy_ts:
        win.copy_channel_id, win.copy_ts = copy_channel_id, copy_ts
    session.flush()


# message_ts while a post is under way: "posting:" and when it began (epoch seconds, fixed
# width so they compare as text). A claim older than POSTING_EXPIRES (its process died
# mid-post) can be taken again.
POSTING = "posting:"
POSTING_EXPIRES = timedelta(minutes=2)


def _posting_mark(moment: datetime) -> str:
    return f"{POSTING}{int(moment.timestamp()):012d}"


def is_posted(win: Win) -> bool:
    return bool(win.message_ts) and not str(win.message_ts).startswith(POSTING)


def claim_posting(session: Session, win: Win) -> bool:
    """Mark an unposted win as being posted; False if someone else is posting it right now."""
    now = utcnow()
    free = Win.message_ts.is_(None) | (
        Win.message_ts.startswith(POSTING) & (Win.message_ts < _posting_mark(now - POSTING_EXPIRES))
    )
    claimed = session.execute(
        update(Win).where(Win.id == win.id, free).values(message_ts=_posting_mark(now))
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def release_posting(session: Session, win: Win) -> None:
    session.execute(
        update(Win)
        .where(Win.id == win.id, Win.message_ts.startswith(POSTING))
        .values(message_ts=None)
    )
