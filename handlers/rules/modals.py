"""Pure builders for the rule modals: propose (or replace), amend, and the comment modals."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.views import View

from bot.domain.deals import terms as deal_terms
from bot.domain.rules.log import MAX_COMMENT
from bot.domain.rules.service import MAX_TEXT, MAX_TITLE
from handlers.blocks import field_input, section
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.rules.messages import CATEGORY_LABELS
from handlers.text import Mrkdwn, escape, fit, plain
from storage.models import Rule, RuleVersion

MAX_SELECT_OPTIONS = 100


def _option(text: str, value: str) -> Option:
    return Option(text=plain(text, 75), value=value)


def rule_modal(
    partnership_id: int,
    replaceable: list[Rule],
    *,
    replaces: Rule | None = None,
    amending: tuple[int, RuleVersion] | None = None,
) -> dict[str, Any]:
    """Propose a rule (optionally replacing one in force), or amend a proposal's wording."""
    start = amending[1] if amending else replaces
    categories = [_option(label, value) for value, label in CATEGORY_LABELS.items()]
    initial_category = (
        next(o for o in categories if o.value == start.category.value) if start else None
    )
    blocks: list[Block] = [
        field_input(
            B.RULE_TITLE,
            "Title",
            PlainTextInputElement(
                placeholder="e.g. Deal registration window",
                max_length=MAX_TITLE,
                initial_value=fit(start.title, MAX_TITLE) if start else None,
            ),
        ),
        field_input(
            B.RULE_TEXT,
            "The rule",
            PlainTextInputElement(
                multiline=True,
                max_length=MAX_TEXT,
                placeholder="What both sides agree to do, in plain words.",
                initial_value=fit(start.text, MAX_TEXT) if start else None,
            ),
        ),
        field_input(
            B.RULE_CATEGORY,
            "Category",
            StaticSelectElement(
                placeholder="Choose a category",
                options=categories,
                initial_option=initial_category,
            ),
        ),
        *terms_fields(start.terms if start else None),
    ]
    if amending is None and (replaceable or replaces):
        choices = [_option(f"{r.label} · {r.title}", str(r.id)) for r in replaceable]
        if replaces is not None and all(o.value != str(replaces.id) for o in choices):
            choices.insert(0, _option(f"{replaces.label} · {replaces.title}", str(replaces.id)))
        choices = choices[:MAX_SELECT_OPTIONS]
        blocks.append(
            field_input(
                B.RULE_REPLACES,
                "Replaces a rule in force",
                StaticSelectElement(
                    placeholder="Only if it replaces one",
                    options=choices,
                    initial_option=next(
                        (o for o in choices if replaces and o.value == str(replaces.id)), None
                    ),
                ),
                optional=True,
                hint="The rule it replaces stays in force until both sides agree this one.",
            )
        )
    metadata = {"partnership_id": partnership_id}
    if amending:
        metadata["proposal_id"] = amending[0]
    return View(
        type="modal",
        callback_id=Callback.ROE_AMEND if amending else Callback.ROE_PROPOSE,
        title="Amend the proposal" if amending else "Propose a rule",
        submit="Put forward" if amending else "Propose",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def terms_fields(terms: dict[str, Any] | None) -> list[Block]:
    """A deal-registration rule's terms (optional): protection window, decision deadline,
    whether a registration can be extended; empty ones take the defaults."""
    terms = terms or {}
    extendable = terms.get(deal_terms.EXTENDABLE)
    choices = [_option("Yes, once", "yes"), _option("No", "no")]
    hint = "Deal-registration rules only; leave empty for the default ({})."
    return [
        field_input(
            B.RULE_PROTECTION_DAYS,
            "Protection window (days)",
            PlainTextInputElement(
                max_length=4,
                placeholder="e.g. 90",
                initial_value=str(terms.get(deal_terms.PROTECTION_DAYS) or "") or None,
            ),
            optional=True,
            hint=hint.format(f"{deal_terms.DEFAULT_PROTECTION_DAYS} days"),
        ),
        field_input(
            B.RULE_DECISION_DAYS,
            "Decision within (business days)",
            PlainTextInputElement(
                max_length=3,
                placeholder="e.g. 3",
                initial_value=str(terms.get(deal_terms.DECISION_BUSINESS_DAYS) or "") or None,
            ),
            optional=True,
            hint=hint.format(f"{deal_terms.DEFAULT_DECISION_BUSINESS_DAYS} business days"),
        ),
        field_input(
            B.RULE_EXTENDABLE,
            "Can a registration be extended?",
            StaticSelectElement(
                placeholder="Choose",
                options=choices,
                initial_option=None if extendable is None else choices[0 if extendable else 1],
            ),
            optional=True,
            hint=hint.format("extendable once"),
        ),
    ]


def comment_modal(
    callback: str,
    title: str,
    label: str,
    submit: str,
    metadata: dict[str, Any],
    intro: Mrkdwn | str,
) -> dict[str, Any]:
    """A modal asking for a reason or a comment (reject, request changes, retire).

    ``intro`` is Mrkdwn; a plain str is escaped (shown as text, whatever it holds)."""
    return View(
        type="modal",
        callback_id=callback,
        title=plain(title, 24),
        submit=plain(submit, 24),
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=[
            section(escape(intro)),
            field_input(
                B.RULE_COMMENT,
                label,
                PlainTextInputElement(multiline=True, max_length=MAX_COMMENT),
            ),
        ],
    ).to_dict()
