"""Pure builders for deal registration: the card in the shared channel, the decisions in its
thread, and the note the vendor's approvers get about conflicts.

The card is read by both companies, so it names both alike (their names joined,
"@Terry (Globex)"), shows moments as Slack date tokens (each reader's own zone) and says,
for the state it is in, who does what next. It says that a registration needs review when
the conflict check found something, and names only registrations of the same partnership;
which other partners claim the account goes to the vendor's approvers alone
(``conflicts_note``). Accounts, opportunities, notes, reasons, questions, answers and the
companies' names are people's text: they reach mrkdwn only as arguments of ``md()`` or
through ``escape()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ButtonElement

from bot.domain.deals.conflicts import Found
from bot.domain.deals.form import STAGE_NAMES
from bot.domain.deals.records import Card
from bot.domain.deals.terms import Terms
from bot.domain.partners.names import Sides
from bot.domain.text import count, day
from bot.domain.wins.money import format_money
from handlers.blocks import actions, button, link_button, message, note, section
from handlers.deals.funnel import STATUS_WORDS
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, date, either, escape, join, md, of_company, user
from storage.models import (
    ConflictReason,
    DealChange,
    DealChangeKind,
    Registration,
    RegistrationStatus,
    Side,
)

NAME_LIMIT = 600  # a partner's or an account's name in a sentence
TEXT_LIMIT = 2000  # a note, a reason, a question, an answer
REASONS = {
    ConflictReason.SAME_ACCOUNT: "the same account name",
    ConflictReason.SAME_DOMAIN: "the same domain",
    ConflictReason.ALREADY_WON: "already won",
}


def amount_text(registration: Registration) -> str:
    if registration.amount is None:
        return "—"
    return format_money(registration.amount, registration.currency)


def _local_day(moment: datetime, tz: str) -> str:
    return day(moment.astimezone(ZoneInfo(tz)).date())


def when_day(moment: datetime, tz: str) -> Mrkdwn:
    """A day Slack shows in each reader's time zone (the partnership's where it can't)."""
    return date(moment, _local_day(moment, tz), "{date_short_pretty}")


def vendor(names: Sides) -> Mrkdwn:
    return escape(names.vendor, NAME_LIMIT)


def partner(names: Sides) -> Mrkdwn:
    return escape(names.partner, NAME_LIMIT)


def person(user_id: str | None, side: Side | None, names: Sides) -> Mrkdwn:
    """A person beside their company, as both sides are shown: "@Terry (Globex)"."""
    if side is None:
        return user(user_id)
    return of_company(user_id, names.name(side)[:NAME_LIMIT])


def rep_of(registration: Registration) -> str | None:
    """Whom the partner side's news goes to: the deal's rep, or whoever registered it."""
    return registration.partner_rep or registration.registered_by


def terms_text(terms: Terms) -> Mrkdwn:
    """ "90 days of protection, ... — the default terms: no rule both companies agreed sets
    them" or "... — from R-2 v1"."""
    if terms.from_rule:
        return md("{} — from {}", terms.describe(), terms.source)
    return md("{} — the default terms: no rule both companies agreed sets them", terms.describe())


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
    """What both sides read about conflicts: that the vendor checks it, and the overlapping
    registrations of this partnership, never another partner's."""
    if not card.needs_review or card.registration.status not in (
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.MORE_INFO,
    ):
        return None
    line = md(
        ":mag: *Needs review:* this account may already be claimed, so the deal approvers at "
        "{} check it before deciding.",
        vendor(card.names),
    )
    if card.here:
        line = md("{} In this partnership: {}.", line, join(", ", (_label(f) for f in card.here)))
    return line


def waiting_for(card: Card) -> Mrkdwn:
    """Who decides, any one of them: "@Terry or @Casey"."""
    return either(card.approvers, "the owners")


def status_text(card: Card) -> Mrkdwn:
    """The status line, rebuilt from the database on every change: what happened, by whom
    (with their company), and until when."""
    r, tz, names = card.registration, card.partnership.time_zone, card.names
    if r.status is RegistrationStatus.SUBMITTED:
        due = md(", due by {}", when_day(card.decide_by, tz)) if card.decide_by else Mrkdwn("")
        return md(
            ":hourglass_flowing_sand: Waiting for a decision from {}: {}{}.",
            vendor(names),
            waiting_for(card),
            due,
        )
    if r.status is RegistrationStatus.MORE_INFO:
        return md(
            ":speech_balloon: {} asked {} for more: “{}” Waiting for the answer.",
            person(card.asked_by, Side.VENDOR, names) if card.asked_by else vendor(names),
            partner(names),
            escape(r.decision_note or "", TEXT_LIMIT),
        )
    if r.status is RegistrationStatus.APPROVED and r.protected_until is not None:
        return md(
            ":white_check_mark: Approved by {} under {}: protected for {} until {}.",
            person(r.decided_by, Side.VENDOR, names),
            card.terms.source,
            partner(names),
            when_day(r.protected_until, tz),
        )
    if r.status is RegistrationStatus.REJECTED:
        return md(
            ":x: Rejected by {}: “{}”",
            person(r.decided_by, Side.VENDOR, names),
            escape(r.decision_note or "", TEXT_LIMIT),
        )
    if r.status is RegistrationStatus.EXPIRED:
        ended = md(" on {}", when_day(r.protected_until, tz)) if r.protected_until else Mrkdwn("")
        return md(
            ":hourglass: Its protection ended{} without a win: it no longer claims this account "
            "for {}.",
            ended,
            partner(names),
        )
    if r.status is RegistrationStatus.WON:
        return md(":trophy: Won: its win counts as partner-sourced for {}.", partner(names))
    return md(":heavy_multiplication_x: Lost: “{}”", escape(r.lost_reason or "", TEXT_LIMIT))


def next_step(card: Card) -> Mrkdwn | None:
    """What happens next, and who does it, for the state the registration is in."""
    r, names = card.registration, card.names
    rep = user(rep_of(r))
    if r.status is RegistrationStatus.SUBMITTED:
        return md(
            "*Approve*, *Reject* and *Ask for more* are for the deal approvers at {}. Each "
            "decision is posted in this thread, mentioning {}.",
            vendor(names),
            rep,
        )
    if r.status is RegistrationStatus.MORE_INFO:
        return md(
            "{} answers with *Answer*; the deal approvers at {} then decide (they may also "
            "decide without it).",
            rep,
            vendor(names),
        )
    if r.status is RegistrationStatus.APPROVED:
        extend = (
            md(" (it can be extended under {})", card.terms.source)
            if r.extensions < card.terms.max_extensions
            else Mrkdwn("")
        )
        return md(
            "Either company keeps its stage, amount and close date current below, and marks it "
            "won or lost when it closes. A reminder comes before the protection ends{}; then "
            "the registration expires.",
            extend,
        )
    if r.status is RegistrationStatus.REJECTED:
        return md(
            "It no longer claims the account. {} can register it again if something changes.",
            partner(names),
        )
    if r.status is RegistrationStatus.EXPIRED:
        return md("It can still be marked won or lost below.")
    return None


def decision_buttons(registration: Registration) -> list[ButtonElement]:
    """The vendor's decisions while one is due; the partner's answer first while one is
    asked. Each opens a modal that says what it does before anything is recorded."""
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
    r, tz, names = card.registration, card.partnership.time_zone, card.names
    fields = [
        md("*Account*\n{}", escape(r.account_name, 300))
        if not r.account_domain
        else md("*Account*\n{} · {}", escape(r.account_name, 300), escape(r.account_domain, 200)),
        md("*Estimated amount*\n{}", amount_text(r)),
        md("*Expected close*\n{}", day(r.close_on)),
        md("*Stage*\n{}", STAGE_NAMES[r.stage]),
        md(
            "*Rep at {}*\n{}",
            escape(names.partner, 200),
            user(r.partner_rep) if r.partner_rep else md("—"),
        ),
    ]
    if card.product_line:
        fields.append(md("*Product line*\n{}", escape(card.product_line, 200)))
    blocks: list[Block] = [
        section(
            md(
                ":handshake: *Deal registration {}* · {}\n*{}* — {}",
                r.label,
                escape(names.joint, NAME_LIMIT),
                escape(r.account_name, NAME_LIMIT),
                escape(r.opportunity, NAME_LIMIT),
            )
        ),
        section(fields=fields),
    ]
    if r.note:
        blocks.append(section(md("*Note*\n{}", escape(r.note, 2900))))
    blocks.append(
        note(
            md(
                "Registered by {} on {} · Terms: {}",
                person(r.registered_by, r.registered_by_side, names),
                when_day(r.created_at, tz),
                terms_text(card.terms),
            )
        )
    )
    blocks.append(section(md("*Status:* {}", status_text(card)), block_id=B.DEAL_STATUS))
    review = review_line(card)
    if review is not None:
        blocks.append(section(review))
    following = next_step(card)
    if following is not None:
        blocks.append(note(following))
    buttons = decision_buttons(r)
    if buttons:
        blocks.append(actions(block_id=B.DEAL_CARD_ACTIONS, elements=buttons))
    blocks += extra or []
    text = md(
        "Deal registration {} · {}: {} ({})",
        r.label,
        escape(names.joint, NAME_LIMIT),
        escape(r.account_name, NAME_LIMIT),
        md("waiting for a decision from {}", vendor(names))
        if r.status is RegistrationStatus.SUBMITTED
        else STATUS_WORDS[r.status],
    )
    return message(text, blocks)


def _to(user_id: str | None, actor: str | None, line: Mrkdwn) -> Mrkdwn:
    """A thread line addressed to someone (a mention notifies them, an edited card doesn't),
    unless they made the change themselves."""
    if not user_id or user_id == actor:
        return line
    return md("{}: {}", user(user_id), line)


def decision_note(card: Card, change: DealChange) -> dict[str, Any]:
    """The line posted in the card's thread for a decision, a question or an answer. A
    decision is addressed to the deal's rep (or whoever registered it), an answer to the
    deal approvers: the mention is how Slack tells them, whichever company they are at."""
    r, tz, names = card.registration, card.partnership.time_zone, card.names
    who = person(change.changed_by, change.side, names)
    rep = rep_of(r)
    said = escape(change.comment or "", TEXT_LIMIT)
    blocks: list[Block] = []
    if change.kind is DealChangeKind.APPROVED:
        until = r.protected_until
        cited = (
            md("under {}", card.terms.source)
            if card.terms.from_rule
            else md("under the default terms (no rule both companies agreed sets them)")
        )
        text = _to(
            rep,
            change.changed_by,
            md(
                ":white_check_mark: {} approved {} {}: it is protected for {} for {}, until {}. "
                "Keep it current from the card, and mark it won or lost when it closes.",
                who,
                r.label,
                cited,
                partner(names),
                count(card.terms.protection_days, "day"),
                when_day(until, tz) if until else md("—"),
            ),
        )
    elif change.kind is DealChangeKind.REJECTED:
        text = _to(
            rep,
            change.changed_by,
            md(
                ":x: {} rejected {}: “{}” It no longer claims the account; it can be "
                "registered again if something changes.",
                who,
                r.label,
                said,
            ),
        )
    elif change.kind is DealChangeKind.ASKED:
        text = _to(
            rep,
            change.changed_by,
            md(
                ":speech_balloon: {} asks about {}: “{}” Answer with the button below; the "
                "registration waits for the answer.",
                who,
                r.label,
                said,
            ),
        )
        blocks = [
            section(text),
            actions(
                block_id=B.DEAL_THREAD_ACTIONS,
                elements=[button("Answer", Action.DEAL_ANSWER, str(r.id), style="primary")],
            ),
        ]
    else:
        due = md(", due by {}", when_day(card.decide_by, tz)) if card.decide_by else Mrkdwn("")
        line = md(
            ":leftwards_arrow_with_hook: {} answered: “{}” {} waits for a decision from {} "
            "again{}.",
            who,
            said,
            r.label,
            vendor(names),
            due,
        )
        approvers = [u for u in card.approvers if u != change.changed_by]
        text = md("{}: {}", join(", ", (user(u) for u in approvers)), line) if approvers else line
    return message(text, blocks or None)


def conflicts_note(card: Card, permalink: str | None) -> dict[str, Any]:
    """For the vendor's deal approvers only (a DM): which registrations claim the same
    account, by partnership name and status, and nothing else of another partner's deal."""
    r, p, names = card.registration, card.partnership, card.names
    where = md("its card") if permalink else md("its card in {}", channel(p.channel_id))
    who_sees = (
        md(
            "Only the deal approvers at {} see which registrations of other partners claim it; "
            "the card tells {} only that it needs review.",
            vendor(names),
            partner(names),
        )
        if card.elsewhere
        else md("The card shows both companies which registrations it overlaps.")
    )
    text = md(
        ":mag: *{} from {} may clash*: its account, {}, is already claimed. {} Decide on {}.",
        r.label,
        partner(names),
        escape(r.account_name, NAME_LIMIT),
        who_sees,
        where,
    )
    blocks: list[Block] = [section(text), section(_conflict_lines(card))]
    opener = link_button("Open the card", permalink)
    if opener is not None:
        blocks.append(actions(elements=[opener]))
    return message(text, blocks)


def conflicts_in_modal(card: Card) -> Mrkdwn | None:
    """The same, inside a decision's modal (only the approver who opened it sees it)."""
    if not card.conflicts:
        return None
    return md(
        ":mag: *The same account is already claimed* ({}{}):\n{}",
        count(len(card.conflicts), "registration"),
        md("; only you see those of other partners") if card.elsewhere else Mrkdwn(""),
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
