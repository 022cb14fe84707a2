"""A partner organization's name and a closing note reach Slack only as text.

Every string in ``HOSTILE`` as the partner's name goes through the partnership views (summary,
link notice, setup modal) and the exit views (modal, closing note, notices); none may become a
live ``<!channel>``, mention or link, and the escaped text must still be shown.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.exit.service import ExitChoice, ExitForm, leave
from bot.domain.partners.names import Sides
from bot.domain.people import Actor
from handlers.commands import help_entries, help_text
from handlers.exit import messages as exit_messages
from handlers.exit import modals as exit_modals
from handlers.partners import messages, modals
from handlers.text import Mrkdwn, escape, md, plain
from sandbox import requests as rq
from storage.models import Partnership, PartnershipStatus, Side
from tests.bench.harness import CHANNEL, VENDOR
from tests.bench.hostile import HOSTILE
from tests.bench.scenarios import link_partnership
from tests.rules.test_hostile_text import assert_inert, partnership, shown


@pytest.mark.parametrize("h", HOSTILE)
def test_partnership_views_show_a_hostile_partner_name_as_text(h):
    p = partnership(h)
    names = Sides(h, h)
    for side in Side:
        reader = messages.Reader("U_TM", side)
        summary = messages.summary_blocks(p, names, reader)
        assert_inert(summary)
        assert summary[0]["text"]["text"] == plain(names.joint, 150)  # plain_text
        extras = messages.SummaryExtras(lines=[h, md("*Next review:* {}", h)])
        assert_inert(messages.summary_blocks(p, names, reader, extras), h)  # str is escaped
    notice = messages.linked_message(p, names, "U_TM")
    assert_inert(notice, h)
    assert isinstance(notice["text"], Mrkdwn)
    assert notice["text"].startswith("<@U_TM> linked this channel")
    setup = modals.setup_modal(modals.SetupDefaults(CHANNEL, "UTC", ["U_TM"], partnership=p))
    assert_inert(setup)
    assert_inert(messages.help_blocks(help_entries()))
    assert_inert(help_text())


@pytest.mark.parametrize("h", HOSTILE)
def test_exit_views_show_a_hostile_name_and_closing_note_as_text(h):
    p = partnership(h)
    assert_inert(exit_modals.exit_modal(p), h)
    closing = exit_messages.closing_message(p, h, "U_TM")
    assert_inert(closing, h)
    assert "<@U_TM> ended the partnership with" in shown(closing)
    for notice in (
        exit_messages.ended_notice(p, ["U_TM"], ["U_CAM"]),
        exit_messages.stepped_back_notice(p, "U_CAM"),
        exit_messages.handed_over_notice(p, "U_TM"),
        exit_messages.resumed_notice(p, "U_TM", True),
        exit_messages.resumed_notice(p, "U_TM", False),
    ):
        assert isinstance(notice, Mrkdwn)
        assert_inert(notice, h)
    assert_inert(exit_messages.resume_offer(p), h)


@pytest.mark.parametrize("h", [HOSTILE[0], HOSTILE[2], HOSTILE[3], HOSTILE[4], HOSTILE[5]])
def test_linking_a_hostile_name_stores_it_clean_and_the_channel_sees_text(bench, fake_slack, h):
    partnership = link_partnership(bench, **{"partner_name": rq.text(f" {h}\n ")})
    assert "\u200b" not in partnership.partner_name and "\u202e" not in partnership.partner_name
    assert partnership.partner_name == partnership.partner_name.strip()
    notice = fake_slack.last_post(CHANNEL)
    assert_inert({"text": notice.text, "blocks": notice.blocks}, partnership.partner_name)
    assert escape(partnership.partner_name)[:24] in notice.text

    fake_slack.reset_calls()
    response = bench.command("/partner")
    assert response.status == 200


def test_a_closing_note_is_stored_without_format_characters(bench):
    p = link_partnership(bench)
    with bench.session() as session:
        outcome = leave(
            session,
            p.id,
            ExitForm(choice=ExitChoice.END, closing_note="  Bye\u200b \u202e<!channel>\n"),
            Actor("U_TM", VENDOR),
        )
        assert outcome.closing_note == "Bye <!channel>"
        session.rollback()
    with bench.session() as session:
        stored = session.scalar(select(Partnership).where(Partnership.id == p.id))
        assert stored is not None and stored.status is PartnershipStatus.ACTIVE
