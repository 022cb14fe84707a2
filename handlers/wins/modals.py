"""Pure view builders for logging a win: the modal, and what it shows after a submission."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.wins import form as win_form
from bot.domain.wins.form import WinForm
from handlers.blocks import actions, button, field_input, link_button, note, section
from handlers.delivery import how_to_fix
from handlers.ids import Action, Callback
from handlers.ids import Block as B
from handlers.text import Mrkdwn, channel, escape, fit, md, ours, plain
from storage.models import Partnership, ProductLine, Registration, Win, WinKind

KIND_LABELS = {
    WinKind.DEAL: "Deal closed",
    WinKind.MILESTONE: "Milestone (e.g. a product line ramping)",
}
MAX_CHOICES = 100  # options in a static select


@dataclass(frozen=True)
class WinModalDefaults:
    """What the win modal shows: a draft (pre-filled from /win text, or the win being edited),
    the partnership if it is known, otherwise the partnerships to choose from."""

    draft: WinForm
    partnership: Partnership | None = None
    choices: list[Partnership] = field(default_factory=list)
    lines: list[ProductLine] = field(default_factory=list)
    channel_id: str | None = None
    win_id: int | None = None
    registration_id: int | None = None  # set by a deal's Mark won: the win is linked to it


def _option(text: str, value: str) -> Option:
    return Option(text=plain(text, 75), value=value)


def _chosen(options: list[Option], value: object) -> Option | None:
    return next((o for o in options if value is not None and o.value == str(value)), None)


def _partnership_field(d: WinModalDefaults) -> Block:
    options = [_option(p.partner_name, str(p.id)) for p in d.choices[:MAX_CHOICES]]
    block = field_input(
        B.WIN_PARTNERSHIP,
        "Partnership",
        StaticSelectElement(
            placeholder="Which partner was this with?",
            options=options,
            initial_option=_chosen(options, d.partnership.id if d.partnership else None),
        ),
    )
    block.dispatch_action = True  # choosing one loads its product lines
    return block


def win_modal(d: WinModalDefaults) -> dict[str, Any]:
    """The modal that logs a win, or edits one (then ``d.win_id`` is set)."""
    f = d.draft
    blocks: list[Block] = []
    if d.choices:
        blocks.append(_partnership_field(d))
    elif d.partnership is not None:
        blocks.append(note(md("Partnership with *{}*", escape(d.partnership.partner_name, 600))))
    kinds = [_option(KIND_LABELS[k], k.value) for k in WinKind]
    blocks += [
        field_input(
            B.WIN_HEADLINE,
            "What was won",
            PlainTextInputElement(
                placeholder="The account or opportunity, e.g. Acme renewal",
                max_length=win_form.MAX_HEADLINE,
                initial_value=fit(f.headline, win_form.MAX_HEADLINE) or None,
            ),
        ),
        field_input(
            B.WIN_KIND,
            "Kind",
            RadioButtonsElement(
                options=kinds, initial_option=_chosen(kinds, f.kind or WinKind.DEAL.value)
            ),
        ),
        field_input(
            B.WIN_AMOUNT,
            "Amount",
            PlainTextInputElement(
                placeholder="e.g. 125000, 125k, 1.2M, 90.000,50",
                max_length=64,
                initial_value=fit(f.amount, 64) or None,
            ),
            optional=True,
            hint="Needed for a deal; optional for a milestone.",
        ),
        field_input(
            B.WIN_CURRENCY,
            "Currency",
            PlainTextInputElement(max_length=3, initial_value=fit(f.currency, 3) or None),
            optional=True,
            hint="An ISO 4217 code such as USD, EUR, GBP.",
        ),
    ]
    lines = [_option(line.name, str(line.id)) for line in d.lines[:MAX_CHOICES]]
    if lines:
        blocks.append(
            field_input(
                B.WIN_PRODUCT_LINE,
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
        field_input(
            B.WIN_NEW_PRODUCT_LINE,
            "Or a new product line" if lines else "Product line",
            PlainTextInputElement(
                placeholder="e.g. Cloud Backup",
                max_length=win_form.MAX_PRODUCT_LINE,
                initial_value=fit(f.new_product_line, win_form.MAX_PRODUCT_LINE) or None,
            ),
            optional=True,
            hint="Added to this partnership's list of product lines.",
        ),
        field_input(
            B.WIN_CLOSED_ON,
            "Closed on",
            DatePickerElement(initial_date=f.closed_on.isoformat() if f.closed_on else None),
        ),
        _credits(B.WIN_PARTNER_CREDITS, "Who helped at the partner", f.partner_credits),
        _credits(B.WIN_VENDOR_CREDITS, "Who helped on the vendor side", f.vendor_credits),
        field_input(
            B.WIN_STORY,
            "The story",
            PlainTextInputElement(
                multiline=True,
                max_length=win_form.MAX_STORY,
                placeholder="How it was won, and what the partner did",
                initial_value=fit(f.story, win_form.MAX_STORY) or None,
            ),
            optional=True,
        ),
    ]
    metadata = {
        "partnership_id": d.partnership.id if d.partnership else None,
        "win_id": d.win_id,
        "channel_id": d.channel_id,
    }
    if d.registration_id is not None:
        metadata["registration_id"] = d.registration_id
    editing = d.win_id is not None
    callback = Callback.WIN_EDIT if editing else Callback.WIN_LOG
    return View(
        type="modal",
        callback_id=Callback.DEAL_WON if d.registration_id is not None else callback,
        title="Edit the win" if editing else "Log a win",
        submit="Save" if editing else "Celebrate",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def _credits(block_id: str, label: str, initial: list[str]) -> Block:
    return field_input(
        block_id,
        label,
        UserMultiSelectElement(
            placeholder="Choose people",
            initial_users=initial[: win_form.MAX_CREDITED] or None,
            max_selected_items=win_form.MAX_CREDITED,
        ),
        optional=True,
    )


def withdraw_modal(win: Win, channel_id: str, deal: Registration | None = None) -> dict[str, Any]:
    """The dialog that asks before a win is withdrawn: it can't be undone. A deal's win says
    what becomes of the deal."""
    blocks: list[Block] = [
        section(md("*{}*", escape(win.headline, 1000))),
        section(
            md(
                "Its message in {} will say it was withdrawn. The win stays on record but no "
                "longer counts in the KPIs, and this can't be undone: if something was only "
                "wrong in it, *Edit* it instead.",
                channel(channel_id),
            )
        ),
    ]
    if deal is not None:
        blocks.append(
            section(
                md(
                    "It was logged for deal registration {} ({}): that deal is no longer won "
                    "and goes back to where it was before (approved with its protection as it "
                    "was, or expired if that has ended), and its card's thread says so.",
                    deal.label,
                    escape(deal.account_name, 300),
                )
            )
        )
    return View(
        type="modal",
        callback_id=Callback.WIN_WITHDRAW,
        title="Withdraw this win?",
        submit="Withdraw",
        close="Keep it",
        private_metadata=json.dumps({"win_id": win.id}),
        blocks=blocks,
    ).to_dict()


@dataclass(frozen=True)
class PostResult:
    """What happened to the celebration message after a win was stored."""

    posted: bool
    error: str | None = None
    channel_id: str = ""
    permalink: str | None = None  # the celebration, to go and see it
    ask: Mrkdwn | None = None  # whom to ask for a fix the reader can't make (partner side)


def _fix(outcome: PostResult) -> Mrkdwn:
    """What to do about the error: the boundary's advice (Mrkdwn that may link the channel)."""
    fix = how_to_fix(outcome.error, outcome.channel_id, ask=outcome.ask)
    return fix if isinstance(fix, Mrkdwn) else ours(fix)


def not_posted_text(
    outcome: PostResult,
    *,
    done: str = "The win is saved",
    what: str = "celebrate it",
    retry: bool = True,
) -> Mrkdwn:
    """Why a win's message could not be posted or updated, and what to do about it."""
    return md(
        "{}, but I couldn't {} in {}. {}{}",
        done,
        what,
        channel(outcome.channel_id),
        _fix(outcome),
        Mrkdwn(", then press *Post it now*." if retry else "."),
    )


def saving_view(win: Win) -> dict[str, Any]:
    """Shown the moment a win is stored, while it is being posted."""
    return View(
        type="modal",
        title="Win saved",
        close="Close",
        blocks=[
            section(
                md(":hourglass_flowing_sand: Saved *{}*; posting it…", escape(win.headline, 500))
            )
        ],
    ).to_dict()


def outcome_view(win: Win, outcome: PostResult, *, edited: bool = False) -> dict[str, Any]:
    """The modal after a submission: the win is stored; was it celebrated?"""
    blocks: list[Block] = []
    if outcome.posted:
        done = "updated the message in" if edited else "celebrated it in"
        blocks.append(
            section(
                md(
                    ":tada: *{}* is saved, and I {} {}.",
                    escape(win.headline, 1000),
                    done,
                    channel(outcome.channel_id),
                )
            )
        )
        go = link_button("Take me there", outcome.permalink) if outcome.permalink else None
        if go is not None:
            blocks.append(actions(block_id=B.WIN_OUTCOME_ACTIONS, elements=[go]))
    else:
        what = "update its message" if edited else "celebrate it"
        blocks += [
            section(not_posted_text(outcome, what=what)),
            actions(
                block_id=B.WIN_OUTCOME_ACTIONS,
                elements=[button("Post it now", Action.WIN_REPOST, str(win.id), style="primary")],
            ),
        ]
    return View(type="modal", title="Win saved", close="Close", blocks=blocks).to_dict()
