"""The Slack effects of wins: the celebration, its copy in the wins channel, and updates.

A win is committed before any of these run (declared with ``handlers.effects.declare``), so
Slack refusing a post never loses a win; a post Slack made without answering is found by its
key (``win:<id>``) before it is tried again.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from bot.domain.outbox import Delivery, Outcome
from bot.domain.partners import service as partnerships
from bot.domain.partners.names import sides
from bot.domain.wins import service as wins
from handlers import delivery
from handlers.dispatch import Attempt
from handlers.tell import error_code, owners_at_vendor, show_in_modal, tell
from handlers.text import channel as channel_link
from handlers.text import md
from handlers.wins import messages, modals
from storage.models import Occurrence, Side, Win

log = logging.getLogger(__name__)

CELEBRATE = "win.celebrate"
COPY = "win.copy"
UPDATE = "win.update"
MENU_CLOSES = wins.MENU_CLOSES


def celebration_key(win_id: int) -> str:
    return f"win:{win_id}"


def _win(session: Session, occurrence: Occurrence) -> Win | None:
    return session.get(Win, occurrence.subject_id) if occurrence.subject_id else None


def _content(session: Session, win: Win) -> tuple[str, dict]:
    """The win's message as it stands now (rendered from the database)."""
    partnership = partnerships.get_partnership(session, win.partnership_id)
    names = sides(session, partnership)
    if win.deleted_at is not None:
        return partnership.channel_id, messages.withdrawn(win, names)
    return partnership.channel_id, messages.celebration(win, names, utcnow())


def send_celebration(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Post a win in its partnership's channel with a :tada: reaction, once."""
    win = _win(session, occurrence)
    if win is None or win.deleted_at is not None:
        return Delivery.skipped("the win was withdrawn")
    channel, content = _content(session, win)
    if wins.is_posted(win):
        return Delivery.sent(win.channel_id, win.message_ts)
    sent = delivery.post(client, occurrence, channel, content)
    if sent.outcome is not Outcome.SENT:
        return sent
    wins.record_posts(session, win, sent.channel or channel, sent.ts)
    wins.close_menu_later(session, win)
    try:
        client.reactions_add(channel=channel, timestamp=str(sent.ts), name=messages.REACTION)
    except (SlackApiError, OSError) as exc:
        if error_code(exc) != "already_reacted":
            log.warning("reaction on win %s failed: %s", win.id, error_code(exc))
    return sent


def send_copy(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """A copy of the celebration in the internal wins channel (WINS_CHANNEL_ID)."""
    win = _win(session, occurrence)
    copy_to = str((occurrence.payload or {}).get("where") or "")
    if win is None or win.deleted_at is not None or not copy_to:
        return Delivery.skipped("the win was withdrawn")
    _channel, content = _content(session, win)
    sent = delivery.post(client, occurrence, copy_to, content)
    if sent.outcome is Outcome.SENT:
        wins.record_posts(session, win, None, None, copy_to, sent.ts)
    elif sent.outcome is Outcome.PERMANENT:
        log.warning(
            "copy of win %s to WINS_CHANNEL_ID %s failed: %s; invite partnerbot to that "
            "channel or correct the setting",
            win.id,
            copy_to,
            sent.reason,
        )
    return sent


def send_update(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """Bring a win's messages in line with it after an edit or a withdrawal."""
    win = _win(session, occurrence)
    if win is None:
        return Delivery.skipped("no such win")
    channel, content = _content(session, win)
    if not wins.is_posted(win):
        return Delivery.skipped("never posted")  # a later celebration shows the new state
    try:
        client.chat_update(channel=win.channel_id or channel, ts=str(win.message_ts), **content)
    except (SlackApiError, OSError) as exc:
        return delivery.delivery_for(exc)
    if win.copy_channel_id and win.copy_ts:
        try:
            client.chat_update(channel=win.copy_channel_id, ts=win.copy_ts, **content)
        except (SlackApiError, OSError) as exc:
            log.warning("update of win %s's copy failed: %s", win.id, error_code(exc))
    return Delivery.sent(win.channel_id or channel, win.message_ts)


def send_menu_closes(client: WebClient, session: Session, occurrence: Occurrence) -> Delivery:
    """The change window closed: the celebration is updated without its ⋯ menu, which would
    only refuse now."""
    win = _win(session, occurrence)
    if win is None or win.deleted_at is not None:
        return Delivery.skipped("the win was withdrawn")
    if wins.still_changeable(win, utcnow()):  # a clock a little early: try again at the hour
        return Delivery.retry("the window is still open", after_seconds=60)
    return send_update(client, session, occurrence)


def _outcome(
    client: WebClient, session: Session, win: Win, delivery_: Delivery, channel: str
) -> modals.PostResult:
    if delivery_.outcome is Outcome.SENT:
        link = delivery.permalink(client, win.channel_id or channel, win.message_ts)
        return modals.PostResult(posted=True, channel_id=channel, permalink=link)
    # Someone at the partner can't invite partnerbot or fix the link: they ask the owners.
    partnership = partnerships.get_partnership(session, win.partnership_id)
    ask = owners_at_vendor(session, partnership) if win.logged_by_side is Side.PARTNER else None
    return modals.PostResult(posted=False, error=delivery_.reason, channel_id=channel, ask=ask)


def _show(client: WebClient, session: Session, attempt: Attempt, edited: bool) -> None:
    """The modal the person submitted says how it went; a DM when that is gone."""
    win = _win(session, attempt.occurrence)
    if win is None:
        return
    payload = attempt.occurrence.payload or {}
    channel = partnerships.get_partnership(session, win.partnership_id).channel_id
    if attempt.delivery.outcome is Outcome.SKIPPED:
        return
    outcome = _outcome(client, session, win, attempt.delivery, channel)
    if attempt.delivery.outcome is Outcome.RETRY and not attempt.first:
        return  # the person heard about the delay the first time
    view_id = payload.get("view_id") if attempt.first else None
    if attempt.delivery.outcome is Outcome.RETRY:
        later = md(
            ":hourglass_flowing_sand: *{}* is saved. Slack is busy right now, so the message "
            "will appear in {} shortly; there is nothing else to do.",
            win.headline,
            channel_link(channel),
        )
        if not show_in_modal(client, view_id, "Win saved", later):
            tell(client, payload.get("actor"), later)
        return
    if view_id:
        try:
            client.views_update(
                view_id=view_id, view=modals.outcome_view(win, outcome, edited=edited)
            )
            return
        except (SlackApiError, OSError) as exc:
            log.info("outcome modal for win %s not shown (%s); sending a DM", win.id, exc)
    if outcome.posted:
        return
    what = "update its message" if edited else "celebrate it"
    tell(client, payload.get("actor"), modals.not_posted_text(outcome, what=what))


def celebration_notice(client: WebClient, session: Session, attempt: Attempt) -> None:
    _show(client, session, attempt, edited=False)


def update_notice(client: WebClient, session: Session, attempt: Attempt) -> None:
    _show(client, session, attempt, edited=True)
