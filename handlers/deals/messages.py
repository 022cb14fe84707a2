"""Pure builders for deal registration: the card in the shared channel, the decisions in its
thread, and the note the vendor's approvers get about conflicts.

The card is read by both organizations. It says that a registration needs review when the
conflict check found something, and names only registrations of the same partnership; which
other partners claim the account goes to the vendor's approvers alone (``conflicts_note``).
Accounts, opportunities, notes, reasons, questions and answers are people's text: they reach
mrkdwn only as arguments of ``md()`` or through ``escape()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.domain.deals.conflicts import Found
from bot.domain.deals.form import STAGE_NAMES
from bot.domain.deals.records import Card
from bot.domain.deals.terms import Terms
from bot.domain.text import count, day
from bot.domain.wins.money import format_money
from handlers.blocks import button, message, note, section
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, date, escape, join, link, md, user, users
from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    Registration,
    RegistrationStatus,
)

NAME_LIMIT = 600  # a partner's or an account's name in a sentence
TEXT_LIMIT = 2000  # a note, a reason, a question, an answer
REASONS = {
    ConflictReason.SAME_ACCOUNT: "the same account name",
    ConflictReason.SAME_DOMAIN: "the same domain",
    ConflictReason.ALREADY_WON: "already won",
}
STATUS_WORDS = {
    RegistrationStatus.SUBMITTED: "waiting for a decision",
    RegistrationStatus.MORE_INFO: "waiting for the partner's answer",
    RegistrationStatus.APPROVED: "approved",
    RegistrationStatus.REJECTED: "rejected",
    RegistrationStatus.EXPIRED: "expired",
    RegistrationStatus.WON: "won",
    RegistrationStatus.LOST: "lost",
}


def amount_text(registration: Registration) -> str:
    if registration.amount is None:
        return "—"
    return format_money(registration.amount, registration.currency)


def _local_day(moment: datetime, tz: str) -> str:
    return day(moment.astimezone(ZoneInfo(tz)).date())


def _when(moment: datetime, tz: str) -> Mrkdwn:
    """A date Slack shows in each reader's time zone (the partnership's where it can't)."""
    return date(moment, _local_day(moment, tz), "{date_short_pretty}")


def terms_text(terms: Terms) -> Mrkdwn:
    """ "90 days of protection, ... — the default terms: no agreed deal-registration rule sets
    them" or "... — from R-2 v1"."""
    if terms.from_rule:
        return md("{} — from {}", terms.describe(), terms.source)
    return md(
        "{} — the default terms: no agreed deal-registration rule of this partnership sets them",
        terms.describe(),
    )


def headline(registration: Registration) -> Mrkdwn:
    return md(
        "{} · {} — {}",
        registration.label,
        escape(registration.account_name, NAME_LIMIT),
        escape(registration.opportunity, NAME_LIMIT),
    )


def _label(found: Found) -> Mrkdwn:
    return md("{} ({}, {})", found.label, STATUS_WORDS[found.status], REASONS[found.reason])


def review_line(card: Card) -> Mrkdwn | None:
    """What both sides read about conflicts: that the vendor reviews it, and the overlapping
    registrations of this partnership, never another partner's."""
    if not card.needs_review or card.registration.status not in (
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.MORE_INFO,
    ):
        return None
    line = md(
        ":warning: *Needs review:* this account may already be claimed; the vendor's deal "
        "approvers will look into it before deciding."
    )
    if card.here:
        line = md("{} In this partnership: {}.", line, join(", ", (_label(f) for f in card.here)))
    return line


def status_text(card: Card) -> Mrkdwn:
    """The status line, rebuilt from the database on every change."""
    r, tz = card.registration, card.partnership.time_zone
    if r.status is RegistrationStatus.SUBMITTED:
        due = md(", due by {}", _when(card.decide_by, tz)) if card.decide_by else Mrkdwn("")
        return md(
            ":hourglass_flowing_sand: Waiting for the vendor's decision{} ({}).",
            due,
            users(card.approvers, "the owners"),
        )
    if r.status is RegistrationStatus.MORE_INFO:
        return md(
            ":speech_balloon: {} asked for more: “{}” Waiting for the partner's answer.",
            user(r.decided_by) if r.decided_by else md("The vendor"),
            escape(r.decision_note or "", TEXT_LIMIT),
        )
    if r.status is RegistrationStatus.APPROVED and r.protected_until is not None:
        return md(
            ":white_check_mark: Approved by {}: protected until {} ({}).",
            user(r.decided_by),
            _when(r.protected_until, tz),
            card.terms.source,
        )
    if r.status is RegistrationStatus.REJECTED:
        return md(
            ":x: Rejected by {}: “{}”",
            user(r.decided_by),
            escape(r.decision_note or "", TEXT_LIMIT),
        )
    if r.status is RegistrationStatus.EXPIRED:
        return md(":hourglass: Its protection ended without a win.")
    if r.status is RegistrationStatus.WON:
        return md(":tada: Won.")
    return md(":heavy_minus_sign: Lost.")


def decision_buttons(registration: Registration) -> list[ButtonElement]:
    """The vendor's decisions while one is due; the partner's answer while one is asked."""
    value = str(registration.id)
    if registration.status is RegistrationStatus.SUBMITTED:
        return [
            button("Approve", Action.DEAL_APPROVE, value, style="primary"),
            button("Reject", Action.DEAL_REJECT, value, style="danger"),
            button("Ask for more", Action.DEAL_ASK, value),
        ]
    if registration.status is RegistrationStatus.MORE_INFO:
        return [
            button("Answer", Action.DEAL_ANSWER, value, style="primary"),
            button("Approve", Action.DEAL_APPROVE, value),
            button("Reject", Action.DEAL_REJECT, value, style="danger"),
        ]
    return []


def registration_card(card: Card, extra: list[Block] | None = None) -> dict[str, Any]:
    """The registration in the partnership's channel; ``extra`` blocks (the funnel's buttons)
    go under the status line."""
    r, p = card.registration, card.partnership
    fields = [
        md("*Account*\n{}", escape(r.account_name, 300))
        if not r.account_domain
        else md("*Account*\n{} · {}", escape(r.account_name, 300), escape(r.account_domain, 200)),
        md("*Estimated amount*\n{}", amount_text(r)),
        md("*Expected close*\n{}", day(r.close_on)),
        md("*Stage*\n{}", STAGE_NAMES[r.stage]),
        md("*Partner rep*\n{}", user(r.partner_rep) if r.partner_rep else md("—")),
    ]
    if card.product_line:
        fields.append(md("*Product line*\n{}", escape(card.product_line, 200)))
    blocks: list[Block] = [
        section(
            md(
                ":handshake: *Deal registration {}* with {}\n*{}* — {}",
                r.label,
                escape(p.partner_name, NAME_LIMIT),
                escape(r.account_name, NAME_LIMIT),
                escape(r.opportunity, NAME_LIMIT),
            )
        ),
        section(fields=fields),
    ]
    if r.note:
        blocks.append(section(md("*Note*\n{}", escape(r.note, 2900))))
    blocks.append(
        note(md("Registered by {} · Terms: {}", user(r.registered_by), terms_text(card.terms)))
    )
    blocks.append(section(md("*Status:* {}", status_text(card)), block_id=B.DEAL_STATUS))
    review = review_line(card)
    if review is not None:
        blocks.append(section(review))
    buttons = decision_buttons(r)
    if buttons:
        blocks.append(ActionsBlock(block_id=B.DEAL_CARD_ACTIONS, elements=buttons))
        blocks.append(
            note(
                md(
                    "The vendor's deal approvers decide; the partner answers a question with "
                    "*Answer*. Decisions are posted in this thread."
                )
            )
        )
    blocks += extra or []
    text = md(
        "Deal registration {} with {}: {} ({})",
        r.label,
        escape(p.partner_name, NAME_LIMIT),
        escape(r.account_name, NAME_LIMIT),
        STATUS_WORDS[r.status],
    )
    return message(text, blocks)


def decision_note(card: Card, change: DealChange) -> dict[str, Any]:
    """The line posted in the card's thread for a decision, a question or an answer; it
    mentions the partner rep (or whoever registered the deal), who is told that way."""
    r, tz = card.registration, card.partnership.time_zone
    who = user(change.changed_by)
    rep = user(r.partner_rep or r.registered_by)
    said = escape(change.comment or "", TEXT_LIMIT)
    blocks: list[Block] = []
    if change.kind is DealChangeKind.APPROVED:
        until = r.protected_until
        cited = (
            md("under {}", card.terms.source)
            if card.terms.from_rule
            else md("under the default terms (no agreed deal-registration rule)")
        )
        text = md(
            ":white_check_mark: {} approved {} {}: protected for {} until {}. {}",
            who,
            r.label,
            cited,
            count(card.terms.protection_days, "day"),
            _when(until, tz) if until else md("—"),
            rep,
        )
    elif change.kind is DealChangeKind.REJECTED:
        text = md(":x: {} rejected {}: “{}” {}", who, r.label, said, rep)
    elif change.kind is DealChangeKind.ASKED:
        text = md(
            ":speech_balloon: {} asked for more on {}: “{}” {}, answer with the button.",
            who,
            r.label,
            said,
            rep,
        )
        blocks = [
            section(text),
            ActionsBlock(
                block_id=B.DEAL_THREAD_ACTIONS,
                elements=[button("Answer", Action.DEAL_ANSWER, str(r.id), style="primary")],
            ),
        ]
    else:
        text = md(
            ":leftwards_arrow_with_hook: {} answered: “{}” Back to the vendor's deal "
            "approvers: {}.",
            who,
            said,
            users(card.approvers, "the owners"),
        )
    return message(text, blocks or None)


def conflicts_note(card: Card, permalink: str | None) -> dict[str, Any]:
    """For the vendor's deal approvers only (a DM): which registrations claim the same
    account, by partnership name and status, and nothing else of another partner's deal."""
    r, p = card.registration, card.partnership
    where = (
        link(permalink, "the card") if permalink else md("the card in {}", channel(p.channel_id))
    )
    text = md(
        ":warning: {} with {} ({}) may clash with what is already registered. Only you (the "
        "vendor's deal approvers) see this; the partner is told only that it needs review. "
        "Decide on {}.",
        r.label,
        escape(p.partner_name, NAME_LIMIT),
        escape(r.account_name, NAME_LIMIT),
        where,
    )
    return message(text, [section(text), section(_conflict_lines(card))])


def conflicts_in_modal(card: Card) -> Mrkdwn | None:
    """The same, inside a decision's modal (only the approver who opened it sees it)."""
    if not card.conflicts:
        return None
    return md(
        ":warning: *The same account is already claimed* ({}):\n{}",
        count(len(card.conflicts), "registration"),
        _conflict_lines(card),
    )


def _conflict_lines(card: Card) -> Mrkdwn:
    """One line per registration that claims the account: its number, its partner's name,
    its status and how it matched; nothing else of another partner's deal."""
    return join(
        "\n",
        (
            md(
                "• {} with *{}*: {}, {}",
                f.label,
                escape(f.partnership_name, NAME_LIMIT),
                STATUS_WORDS[f.status],
                REASONS[f.reason],
            )
            for f in card.conflicts
        ),
    )
