"""Block Kit limits: the celebration and the modal with the longest inputs and the most people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.partners.names import Sides
from bot.domain.wins import form as win_form
from bot.domain.wins.form import WinForm
from handlers.blocks import MAX_MESSAGE_BLOCKS, MAX_MODAL_BLOCKS
from handlers.wins import messages, modals
from storage.models import (
    Partnership,
    PartnershipStatus,
    ProductLine,
    Side,
    Win,
    WinCredit,
    WinKind,
)

LONG_ID = "U" + "X" * 31  # Slack ids fit in 32 characters


def names_of(partnership: Partnership) -> Sides:
    return Sides("V" * 200, partnership.partner_name)


def longest_partnership(pid: int = 1) -> Partnership:
    return Partnership(
        id=pid,
        channel_id="C" + "9" * 31,
        partner_name="&" * 200,  # every character becomes "&amp;" in mrkdwn
        vendor_team_id="T_VENDOR",
        status=PartnershipStatus.ACTIVE,
        time_zone="UTC",
        created_by="U1",
    )


def longest_win() -> Win:
    credits = [WinCredit(user_id=f"{LONG_ID[:-2]}P{i}", side=Side.PARTNER) for i in range(10)]
    credits += [WinCredit(user_id=f"{LONG_ID[:-2]}V{i}", side=Side.VENDOR) for i in range(10)]
    return Win(
        id=2**31 - 1,
        partnership_id=1,
        submission_key="V" * 64,
        kind=WinKind.DEAL,
        headline="<" * win_form.MAX_HEADLINE,
        amount=Decimal("999999999999.99"),
        currency="XCG",
        product_line=ProductLine(id=1, name="&" * win_form.MAX_PRODUCT_LINE, name_key="&"),
        closed_on=date(2026, 12, 1),
        story="&" * win_form.MAX_STORY,
        logged_by=LONG_ID,
        logged_by_side=Side.PARTNER,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        edited_at=datetime(2026, 12, 1, 1, tzinfo=UTC),
        credits=credits,
    )


def assert_within_limits(blocks: list[dict], most: int) -> None:
    assert 0 < len(blocks) <= most
    for block in blocks:
        Block.parse(block).to_dict()  # slack_sdk validates lengths on the way out
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000
        fields = block.get("fields") or []
        assert len(fields) <= 10 and all(len(f["text"]) <= 2000 for f in fields)
        for element in block.get("elements") or []:
            assert len(element.get("text", "")) <= 3000


def test_the_longest_celebration_fits():
    win = longest_win()
    message = messages.celebration(win, names_of(longest_partnership()), win.created_at)
    assert_within_limits(message["blocks"], MAX_MESSAGE_BLOCKS)
    assert len(message["blocks"]) <= 6
    assert len(message["text"]) <= 3000
    text = str(message["blocks"])
    for i in range(10):  # everyone credited is still named
        assert f"<@{LONG_ID[:-2]}P{i}>" in text and f"<@{LONG_ID[:-2]}V{i}>" in text
    story = message["blocks"][3]["text"]["text"]
    assert story.endswith("…") and "&am…" not in story  # cut between entities, not inside one


def test_the_withdrawn_message_and_the_list_fit():
    win, partnership = longest_win(), longest_partnership()
    withdrawn = messages.withdrawn(win, names_of(partnership))
    assert_within_limits(withdrawn["blocks"], MAX_MESSAGE_BLOCKS)
    recent = messages.recent_list(partnership, [win] * 10, "10 wins (XCG 9,999,999,999,999.90)")
    assert_within_limits(recent, MAX_MESSAGE_BLOCKS)


def test_the_fullest_modal_fits():
    choices = [longest_partnership(i) for i in range(1, 151)]
    lines = [ProductLine(id=i, name="&" * 100, name_key=str(i)) for i in range(1, 151)]
    draft = WinForm(
        partnership_id=1,
        headline="h" * 500,
        kind="deal",
        amount="9" * 100,
        currency="EURO",
        closed_on=date(2026, 12, 1),
        partner_credits=[f"UP{i}" for i in range(30)],
        vendor_credits=[f"UV{i}" for i in range(30)],
        story="s" * 5000,
    )
    view = modals.win_modal(
        modals.WinModalDefaults(draft=draft, partnership=choices[0], choices=choices, lines=lines)
    )
    View(**view).to_dict()
    assert len(view["blocks"]) <= MAX_MODAL_BLOCKS
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert len(fields["win_partnership"]["element"]["options"]) == 100
    assert len(fields["win_product_line"]["element"]["options"]) == 100
    assert len(fields["win_partner_credits"]["element"]["initial_users"]) == 10
