"""Pure builders for the promise modals: make one, made good, not yet, a new date."""

from __future__ import annotations

import json
from datetime import date
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

from bot.domain.promises.service import MAX_NOTE, MAX_TEXT
from handlers.blocks import field_input, note, section
from handlers.ids import Block as B
from handlers.ids import Callback
from handlers.promises.messages import day
from handlers.text import escape, md, plain, user
from storage.models import Partnership, Promise


def _modal(callback: str, title: str, submit: str, meta: dict[str, Any], blocks: list[Block]):
    assert len(blocks) <= 100
    return View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=json.dumps(meta),
        blocks=blocks,
    ).to_dict()


def _long_text(placeholder: str, limit: int) -> PlainTextInputElement:
    return PlainTextInputElement(multiline=True, max_length=limit, placeholder=placeholder)


def make_modal(
    partnership: Partnership | None, choices: list[Partnership], today: date
) -> dict[str, Any]:
    """/promise: who it is owed to, what they accepted, what is promised and by when."""
    blocks: list[Block] = []
    if partnership is None:
        blocks.append(
            field_input(
                B.PROMISE_PARTNERSHIP,
                "Partner",
                StaticSelectElement(
                    placeholder="Which partnership",
                    options=[
                        Option(value=str(p.id), label=plain(p.partner_name, 75))
                        for p in choices[:100]
                    ],
                ),
            )
        )
    else:
        blocks.append(
            section(md("A make-good promise to *{}*", escape(partnership.partner_name, 600)))
        )
    blocks += [
        field_input(
            B.PROMISE_OWED_TO,
            "Owed to",
            UserSelectElement(placeholder="A contact at the partner"),
            hint="The person at the partner you make the promise to.",
        ),
        field_input(
            B.PROMISE_RAW_DEAL,
            "What they accepted",
            _long_text("What you asked them to give up now, e.g. a deal you took direct", MAX_TEXT),
            hint="In plain words: the partner reads this too.",
        ),
        field_input(
            B.PROMISE_TEXT,
            "What you promise",
            _long_text("How you'll make it up to them", MAX_TEXT),
        ),
        field_input(
            B.PROMISE_DUE,
            "By when",
            DatePickerElement(initial_date=today.isoformat()),
            hint="In your time zone. I'll remind you before, on the day, and after it.",
        ),
    ]
    meta = {"partnership_id": partnership.id if partnership else None}
    return _modal(Callback.PROMISE_MAKE, "Make a promise", "Promise", meta, blocks)


def made_good_modal(promise: Promise) -> dict[str, Any]:
    blocks: list[Block] = [
        section(md("*Your promise*\n{}", escape(promise.promise, 2900))),
        field_input(
            B.PROMISE_NOTE,
            "What you did",
            _long_text("A short note for the partner", MAX_NOTE),
        ),
        note(md("I'll ask {} to confirm it.", user(promise.owed_to_id))),
    ]
    meta = {"promise_id": promise.id}
    return _modal(Callback.PROMISE_MADE_GOOD, "I made good", "Ask to confirm", meta, blocks)


def not_yet_modal(promise: Promise) -> dict[str, Any]:
    blocks: list[Block] = [
        section(md("*The promise*\n{}", escape(promise.promise, 2900))),
        field_input(
            B.PROMISE_COMMENT,
            "What is still missing?",
            _long_text("I'll pass this on", MAX_NOTE),
        ),
    ]
    meta = {"promise_id": promise.id}
    return _modal(Callback.PROMISE_NOT_YET, "Not made good yet", "Send", meta, blocks)


def dispute_modal(promise: Promise) -> dict[str, Any]:
    """“That's not what we agreed”: a note back to the maker, who can then talk it through."""
    blocks: list[Block] = [
        section(
            md(
                "*The promise*\n{}\n*In return for*\n{}",
                escape(promise.promise, 1400),
                escape(promise.raw_deal, 1400),
            )
        ),
        field_input(
            B.PROMISE_COMMENT,
            "What did you agree?",
            _long_text("I'll pass this on to them", MAX_NOTE),
        ),
        note(
            md(
                "{} gets your note. The promise stays open until it's settled; you can still "
                "release them from it.",
                user(promise.maker_id),
            )
        ),
    ]
    meta = {"promise_id": promise.id}
    return _modal(Callback.PROMISE_DISPUTE, "Not what we agreed", "Send", meta, blocks)


def renegotiate_modal(promise: Promise) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            md(
                "*Your promise*\n{}\n*Agreed date*\n{}",
                escape(promise.promise, 2800),
                day(promise.due_date),
            )
        ),
        field_input(B.PROMISE_NEW_DATE, "New date", DatePickerElement()),
        field_input(
            B.PROMISE_REASON, "Why", _long_text("Tell the partner why you need it", MAX_NOTE)
        ),
        note(md("The new date applies once {} accepts it.", user(promise.owed_to_id))),
    ]
    meta = {"promise_id": promise.id}
    return _modal(Callback.PROMISE_RENEGOTIATE, "Ask for a new date", "Ask", meta, blocks)
