"""Pure builders for the deal-registration modals: registering a deal, and the decisions.

A decision's modal is its confirmation: it says what the decision does (and, for a
rejection, that it can't be undone) before anything is recorded, and Cancel changes nothing.
Both companies are named alike; the partner's people are never pointed to a command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.deals import form as deal_form
from bot.domain.deals.form import STAGE_NAMES, DealForm
from bot.domain.deals.records import Card
from bot.domain.partners.names import Sides
from bot.domain.wins.form import MAX_PRODUCT_LINE
from handlers.blocks import field_input, note, section
from handlers.deals.messages import (
    NAME_LIMIT,
    TEXT_LIMIT,
    conflicts_in_modal,
    headline,
    partner,
    person,
    rep_of,
    terms_text,
    vendor,
    waiting_for,
)
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.text import channel, escape, fit, md, plain
from storage.models import Partnership, ProductLine, Side

MAX_CHOICES = 100  # options in a static select


@dataclass(frozen=True)
class DealModalDefaults:
    """What the registration modal shows: a draft, the partnership if it is known (otherwise
    the partnerships to choose from), its product lines."""

    draft: DealForm
    partnership: Partnership | None = None
    choices: list[Partnership] = field(default_factory=list)
    lines: list[ProductLine] = field(default_factory=list)
    channel_id: str | None = None
    names: Sides | None = None  # both companies, once the partnership is known
    side: Side | None = None  # the reader's side in it


def _option(text: str, value: str) -> Option:
    return Option(text=plain(text, 75), value=value)


def _chosen(options: list[Option], value: object) -> Option | None:
    return next((o for o in options if value is not None and o.value == str(value)), None)


def _text(
    block_id: str,
    label: str,
    value: str,
    limit: int,
    *,
    placeholder: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    return field_input(
        block_id,
        label,
        PlainTextInputElement(
            placeholder=placeholder,
            max_length=limit,
            multiline=multiline,
            initial_value=fit(value, limit) or None,
        ),
        optional=optional,
        hint=hint,
    )


def register_modal(d: DealModalDefaults) -> dict[str, Any]:
    """The modal that registers a deal with the vendor."""
    f = d.draft
    partner_name = d.names.partner if d.names else "the partner"
    vendor_name = d.names.vendor if d.names else "the vendor"
    blocks: list[Block] = []
    if d.choices:
        options = [_option(p.partner_name, str(p.id)) for p in d.choices[:MAX_CHOICES]]
        picker = field_input(
            B.DEAL_PARTNERSHIP,
            "Partnership",
            StaticSelectElement(
                placeholder="Which partner registers it?",
                options=options,
                initial_option=_chosen(options, d.partnership.id if d.partnership else None),
            ),
        )
        picker.dispatch_action = True  # choosing one loads its product lines
        blocks.append(picker)
    elif d.partnership is not None:
        title = d.names.joint if d.names else d.partnership.partner_name
        blocks.append(note(md("Deal registration · *{}*", escape(title, 600))))
    stages = [_option(name, stage.value) for stage, name in STAGE_NAMES.items()]
    blocks += [
        _text(
            B.DEAL_ACCOUNT,
            "Customer account",
            f.account,
            deal_form.MAX_ACCOUNT,
            placeholder="e.g. Globex Corporation",
        ),
        _text(
            B.DEAL_DOMAIN,
            "Account's web domain",
            f.domain,
            200,
            placeholder="e.g. globex.com",
            optional=True,
            hint="Helps find the same account registered under another name.",
        ),
        _text(
            B.DEAL_OPPORTUNITY,
            "Opportunity",
            f.opportunity,
            deal_form.MAX_OPPORTUNITY,
            placeholder="e.g. 300 seats, EMEA rollout",
        ),
        _text(
            B.DEAL_AMOUNT,
            "Estimated amount",
            f.amount,
            64,
            placeholder="e.g. 125000, 125k, 1.2M, EUR 90,000",
            optional=True,
        ),
        _text(
            B.DEAL_CURRENCY,
            "Currency",
            f.currency,
            3,
            optional=True,
            hint="An ISO 4217 code such as USD, EUR, GBP.",
        ),
    ]
    lines = [_option(line.name, str(line.id)) for line in d.lines[:MAX_CHOICES]]
    if lines:
        blocks.append(
            field_input(
                B.DEAL_PRODUCT_LINE,
                "Product line",
                StaticSelectElement(
                    placeholder="Choose a product line",
                    options=lines,
                    initial_option=_chosen(lines, f.product_line_id),
                ),
                optional=True,
            )
        )
    blocks += [
        _text(
            B.DEAL_NEW_PRODUCT_LINE,
            "Or a new product line" if lines else "Product line",
            f.new_product_line,
            MAX_PRODUCT_LINE,
            placeholder="e.g. Cloud Backup",
            optional=True,
            hint="Added to this partnership's list of product lines.",
        ),
        field_input(
            B.DEAL_CLOSE_ON,
            "Expected close date",
            DatePickerElement(initial_date=f.close_on.isoformat() if f.close_on else None),
        ),
        field_input(
            B.DEAL_STAGE,
            "Stage",
            StaticSelectElement(
                placeholder="Where the deal stands",
                options=stages,
                initial_option=_chosen(stages, f.stage),
            ),
        ),
        field_input(
            B.DEAL_PARTNER_REP,
            plain(f"Rep at {partner_name}", 150),
            UserSelectElement(placeholder="Who works the deal", initial_user=f.partner_rep),
            optional=True,
            hint=plain(
                f"Who at {partner_name} works the deal; they are mentioned in each decision.",
                2000,
            ),
        ),
        _text(
            B.DEAL_NOTE,
            plain(f"Note for {vendor_name}", 150) if d.side is Side.PARTNER else "Note",
            f.note,
            deal_form.MAX_NOTE,
            multiline=True,
            optional=True,
            placeholder="What they should know: how you found it, who is involved",
        ),
    ]
    if d.partnership is not None:
        blocks.append(
            note(
                md(
                    "Its card goes to {}, where both companies follow it; the deal approvers "
                    "at {} decide.",
                    channel(d.partnership.channel_id),
                    escape(vendor_name, NAME_LIMIT),
                )
            )
        )
    metadata = {
        "partnership_id": d.partnership.id if d.partnership else None,
        "channel_id": d.channel_id,
    }
    return View(
        type="modal",
        callback_id=Callback.DEAL_REGISTER,
        title="Register a deal",
        submit="Register",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def _decision_modal(
    card: Card,
    callback: str,
    title: str,
    submit: str,
    intro: list[Block],
    ask: tuple[str, str, str] | None,
) -> dict[str, Any]:
    blocks: list[Block] = [
        section(md("*{}*", headline(card.registration))),
        *intro,
    ]
    if ask is not None:
        block_id, label, placeholder = ask
        blocks.append(
            field_input(
                block_id,
                label,
                PlainTextInputElement(
                    multiline=True, max_length=TEXT_LIMIT, placeholder=placeholder
                ),
            )
        )
    return View(
        type="modal",
        callback_id=callback,
        title=plain(title, 24),
        submit=plain(submit, 24),
        close="Cancel",
        private_metadata=json.dumps({"registration_id": card.registration.id}),
        blocks=blocks,
    ).to_dict()


def _conflicts(card: Card) -> list[Block]:
    found = conflicts_in_modal(card)
    return [section(found)] if found is not None else []


def approve_modal(card: Card) -> dict[str, Any]:
    """Approving starts the protection window: the modal says for how long, under which terms,
    who is told, and what the conflict check found (only the approver sees this modal)."""
    terms, r, names = card.terms, card.registration, card.names
    intro: list[Block] = [
        *_conflicts(card),
        section(
            md(
                "Approving protects {} on this account for {} days from now. Terms: {}.",
                partner(names),
                terms.protection_days,
                terms_text(terms),
            )
        ),
        note(
            md(
                "Your approval is posted in the card's thread, mentioning {}. Once approved, "
                "it stays protected until its window ends or it is won or lost.",
                person(rep_of(r), _side_of_rep(card), names),
            )
        ),
    ]
    return _decision_modal(
        card, Callback.DEAL_APPROVE, f"Approve {r.label}", "Approve", intro, None
    )


def _side_of_rep(card: Card) -> Side:
    r = card.registration
    return Side.PARTNER if r.partner_rep else r.registered_by_side


def reject_modal(card: Card) -> dict[str, Any]:
    """Rejecting can't be undone, so the modal says so: it is the confirmation."""
    r, names = card.registration, card.names
    intro: list[Block] = [
        *_conflicts(card),
        section(
            md(
                "Rejecting can't be undone: {} stops claiming the account, and {} would "
                "register it again to have it looked at anew.",
                r.label,
                partner(names),
            )
        ),
        note(
            md(
                "The reason is posted in the card's thread for both companies, mentioning {}.",
                person(rep_of(r), _side_of_rep(card), names),
            )
        ),
    ]
    return _decision_modal(
        card,
        Callback.DEAL_REJECT,
        f"Reject {r.label}?",
        "Reject",
        intro,
        (B.DEAL_REASON, "Why reject it?", "e.g. Globex is a named account of our direct team"),
    )


def ask_modal(card: Card) -> dict[str, Any]:
    r, names = card.registration, card.names
    intro: list[Block] = [
        *_conflicts(card),
        note(
            md(
                "Your question is posted in the card's thread, mentioning {}, who answers with "
                "a button there; the registration then waits for your decision again.",
                person(rep_of(r), _side_of_rep(card), names),
            )
        ),
    ]
    return _decision_modal(
        card,
        Callback.DEAL_ASK,
        f"Ask about {r.label}",
        "Ask",
        intro,
        (B.DEAL_QUESTION, "What do you need to know?", "e.g. Who is the economic buyer?"),
    )


def answer_modal(card: Card) -> dict[str, Any]:
    r, names = card.registration, card.names
    question = r.decision_note or ""
    asker = person(card.asked_by, Side.VENDOR, names) if card.asked_by else vendor(names)
    intro: list[Block] = [
        section(md("*{} asked:* “{}”", asker, escape(question, TEXT_LIMIT))),
        note(
            md(
                "Your answer is posted in the card's thread, mentioning the deal approvers at "
                "{} ({}), who then decide.",
                vendor(names),
                waiting_for(card),
            )
        ),
    ]
    return _decision_modal(
        card,
        Callback.DEAL_ANSWER,
        f"Answer about {r.label}",
        "Send",
        intro,
        (B.DEAL_ANSWER, "Your answer", "What they asked for"),
    )


def registered_view(card: Card) -> dict[str, Any]:
    """Shown the moment a registration is stored, while its card is being posted."""
    return View(
        type="modal",
        title="Deal registered",
        close="Close",
        blocks=[
            section(
                md(
                    ":hourglass_flowing_sand: Registered {}. Posting its card in {}, where the "
                    "deal approvers at {} ({}) decide…",
                    headline(card.registration),
                    channel(card.partnership.channel_id),
                    vendor(card.names),
                    waiting_for(card),
                )
            )
        ],
    ).to_dict()
