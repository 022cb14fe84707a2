"""The partnership itself: both sides see its summary; only its owners edit its setup."""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback
from sandbox import requests as rq
from storage.models import Partnership
from tests.authorization.spec import NOT_IN_PARTNERSHIP, Action, modal_opened, says
from tests.authorization.world import OWNER, PARTNER_NAME, Person, Seen, World
from tests.bench.harness import block_texts
from tests.bench.scenarios import setup_values

NOT_VENDOR = "Only the partnership's owners can change the setup."
NOT_VENDOR_SETUP = "Only the partnership's owners can change the partnership setup."


def edit_modal(world: World) -> dict[str, Any]:
    """The setup modal of a partnership of its own, opened by the owner with its Edit button."""
    pid, _channel = world.new_partnership()
    return world.click(A.EDIT_PARTNERSHIP, str(pid), OWNER).view(Callback.PARTNERSHIP_SETUP)


def edited_values(view: dict[str, Any]) -> dict[str, Any]:
    return setup_values(
        **{
            B.PARTNER_NAME: rq.text(f"{PARTNER_NAME} (EMEA)"),
            B.PARTNER_APPROVERS: rq.users("U_PAT"),
            B.HOLIDAY_COUNTRY: rq.text("DE"),
        }
    )


def summary_shown(world: World, pid: int, who: Person, seen: Seen) -> None:
    [reply] = seen.replies
    assert reply["response_type"] == "ephemeral"
    assert PARTNER_NAME in block_texts(reply["blocks"])


def saved(world: World, view: dict[str, Any], who: Person, seen: Seen) -> None:
    pid = json.loads(view["private_metadata"])["partnership_id"]
    partnership = world.get(Partnership, pid)
    assert partnership.partner_name == f"{PARTNER_NAME} (EMEA)"
    assert partnership.holiday_country == "DE"
    [note] = [m for m in seen.ephemerals if m.user == who.user]
    assert "Saved the setup" in (note.text or "")


ACTIONS = [
    Action(
        "partnership: show the summary (button)",
        setup=lambda world: world.partnership_id,
        act=lambda world, pid, who: world.click(A.SHOW_SUMMARY, str(pid), who),
        effect=summary_shown,
        refusal=says(NOT_IN_PARTNERSHIP),
    ),
    Action(
        "partnership: Edit (button)",
        setup=lambda world: world.new_partnership()[0],
        act=lambda world, pid, who: world.click(A.EDIT_PARTNERSHIP, str(pid), who),
        effect=modal_opened(Callback.PARTNERSHIP_SETUP),
        refusal=says(NOT_VENDOR),
    ),
    Action(
        "partnership: edit the setup (modal)",
        setup=edit_modal,
        act=lambda world, view, who: world.submit(view, edited_values(view), who),
        effect=saved,
        refusal=says(NOT_VENDOR_SETUP),
    ),
]
