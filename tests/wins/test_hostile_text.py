"""What people type about a win (headline, product line, story, the partner's name) reaches
Slack only as text, and is stored without invisible format characters.

Every string in ``HOSTILE`` goes through every win view: none may turn into a live
``<!channel>``, mention or disguised link, and the escaped text must still be shown.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.domain.partners.names import Sides
from bot.domain.wins.form import WinForm
from handlers.ids import Block as B
from handlers.text import Mrkdwn
from handlers.wins import messages, modals
from sandbox import requests as rq
from storage.models import (
    Partnership,
    PartnershipStatus,
    ProductLine,
    Side,
    Win,
    WinCredit,
    WinKind,
)
from tests.bench.harness import CHANNEL
from tests.bench.hostile import HOSTILE
from tests.bench.scenarios import link_partnership
from tests.rules.test_hostile_text import assert_inert, shown
from tests.wins.helpers import log_win, wins

# Hostile strings short enough for the win form (a headline holds 150 characters, a product
# line 100); the long ones go through the pure views below.
FITS = [h for h in HOSTILE if len(h) <= 100]


def partnership(name: str, pid: int = 1) -> Partnership:
    return Partnership(
        id=pid,
        channel_id="C0SHARED",
        partner_name=name,
        vendor_team_id="T_VENDOR",
        status=PartnershipStatus.ACTIVE,
        time_zone="UTC",
        created_by="U_TM",
    )


def win(text: str, *, edited: bool = True) -> Win:
    return Win(
        id=7,
        partnership_id=1,
        submission_key="V1",
        kind=WinKind.DEAL,
        headline=text,
        amount=Decimal("125000"),
        currency="USD",
        product_line=ProductLine(id=3, name=text, name_key="k"),
        closed_on=date(2026, 11, 30),
        story=text,
        logged_by="U_TM",
        logged_by_side=Side.VENDOR,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        edited_at=datetime(2026, 12, 1, 1, tzinfo=UTC) if edited else None,
        credits=[WinCredit(user_id="U_DANA", side=Side.PARTNER)],
    )


@pytest.mark.parametrize("h", HOSTILE)
def test_every_win_message_shows_hostile_text_as_text(h):
    p, w, names = partnership(h), win(h), Sides(h, h)
    celebration = messages.celebration(w, names, w.created_at)
    assert_inert(celebration, h)
    assert isinstance(celebration["text"], Mrkdwn)
    text = shown(celebration)
    assert "<@U_DANA>" in text and "Logged by <@U_TM> (" in text and ") · edited" in text
    assert_inert(messages.celebration(w, names, w.created_at + timedelta(days=2)), h)
    assert_inert(messages.withdrawn(w, names), h)
    assert "was withdrawn by <@U_TM>" in shown(messages.withdrawn(w, names))
    assert_inert(messages.recent_list(p, [w, win(h, edited=False)], f"2 wins ({h})"), h)
    assert_inert(messages.recent_list(p, [], "0 wins"), h)
    assert_inert(messages.fallback_text(w, names), h)
    assert_inert(modals.withdraw_modal(w, CHANNEL), h)


@pytest.mark.parametrize("h", HOSTILE)
def test_the_win_modals_show_hostile_text_as_text(h):
    draft = WinForm(
        partnership_id=1,
        headline=h,
        kind="deal",
        amount=h,
        currency=h,
        new_product_line=h,
        closed_on=date(2026, 11, 30),
        story=h,
    )
    lines = [ProductLine(id=3, name=h, name_key="k")]
    known = modals.win_modal(modals.WinModalDefaults(draft=draft, partnership=partnership(h)))
    assert_inert(known, h)  # "Partnership with *…*"
    choose = modals.win_modal(
        modals.WinModalDefaults(
            draft=draft, choices=[partnership(h), partnership(h, 2)], lines=lines
        )
    )
    assert_inert(choose)
    # the inputs are pre-filled as typed (plain text), without format characters
    fields = {b.get("block_id"): b for b in known["blocks"]}
    headline = fields[B.WIN_HEADLINE]["element"].get("initial_value") or ""
    assert (
        "\u200b" not in headline
        and headline == h.replace("\u200b", "").replace("\u202e", "")[: len(headline)]
    )

    w = win(h)
    assert_inert(modals.saving_view(w), h)
    assert_inert(modals.outcome_view(w, modals.PostResult(posted=True, channel_id=CHANNEL)), h)
    linked = modals.PostResult(posted=True, channel_id=CHANNEL, permalink=h)
    assert_inert(modals.outcome_view(w, linked), h)  # a link we can't vouch for: no button
    for error in ("not_in_channel", "is_archived", "channel_not_found", h):
        failed = modals.PostResult(posted=False, error=error, channel_id=CHANNEL)
        assert_inert(modals.outcome_view(w, failed, edited=True))
        told = modals.not_posted_text(failed)
        assert isinstance(told, Mrkdwn)
        assert_inert(told)
        assert "&amp;lt;" not in told and "&amp;amp;" not in told  # escaped once, not twice
        if error == "not_in_channel":
            assert "<#C0SHARED>" in told


@pytest.mark.parametrize("h", FITS)
def test_a_hostile_win_logged_through_slack_is_celebrated_as_text(bench, fake_slack, h):
    link_partnership(bench, **{"partner_name": rq.text(f"{h} Resellers")})
    stored = log_win(
        bench,
        **{
            B.WIN_HEADLINE: rq.text(h),
            B.WIN_NEW_PRODUCT_LINE: rq.text(h),
            B.WIN_STORY: rq.text(f"{h}\n{h}"),
        },
    )
    assert "\u200b" not in stored.headline and "\u202e" not in stored.headline
    assert "\u202e" not in (stored.story or "") and "\u202e" not in stored.product_line.name
    post = fake_slack.last_post(CHANNEL)
    assert_inert({"text": post.text, "blocks": post.blocks}, stored.headline)
    assert "&lt;" in post.text or "<" not in h


def test_a_right_to_left_override_is_not_stored_in_a_headline(bench, fake_slack):
    link_partnership(bench)
    stored = log_win(
        bench,
        **{
            B.WIN_HEADLINE: rq.text("  \u202eAcme\u200b renewal\n"),
            B.WIN_STORY: rq.text("Won \u202eearly\u2066 on\nline two"),
        },
    )
    assert stored.headline == "Acme renewal"
    assert stored.story == "Won early on\nline two"
    assert "\u202e" not in json.dumps(fake_slack.last_post(CHANNEL).blocks, ensure_ascii=False)


@pytest.mark.parametrize(
    "typed",
    [
        "Cloud\u200bBackup",
        "cloud backup",
        "Cloud  Backup",
        " CLOUD BACKUP ",
        "\uff23\uff4c\uff4f\uff55\uff44 \uff22\uff41\uff43\uff4b\uff55\uff50",  # fullwidth
        "Cloud\u202e Backup",
    ],
)
def test_a_look_alike_product_line_finds_the_existing_one(bench, fake_slack, typed):
    link_partnership(bench)
    first = log_win(bench)  # "Cloud Backup"
    second = log_win(bench, **{B.WIN_NEW_PRODUCT_LINE: rq.text(typed)})
    assert second.product_line.id == first.product_line.id
    assert second.product_line.name == "Cloud Backup"
    with bench.session() as session:
        assert [line.name for line in session.scalars(select(ProductLine))] == ["Cloud Backup"]


def test_a_line_stored_before_keys_were_normalized_is_still_found(bench, fake_slack):
    partnership_ = link_partnership(bench)
    with bench.session() as session:
        # an old row: its key only casefolded, so the zero-width space stayed in it
        session.add(
            ProductLine(
                partnership_id=partnership_.id,
                name="Cloud\u200bBackup",
                name_key="cloud\u200bbackup",
                created_by="U_TM",
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        session.commit()
    stored = log_win(bench, **{B.WIN_NEW_PRODUCT_LINE: rq.text("Cloud Backup")})
    assert stored.product_line.name_key == "cloud\u200bbackup"
    assert len(wins(bench)) == 1
    with bench.session() as session:
        assert len(list(session.scalars(select(ProductLine)))) == 1
