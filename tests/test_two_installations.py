"""Both organizations install partnerbot: a shared channel's partnership belongs to the
installation that linked it.

The rule: each installation keeps the partnerships it linked (``vendor_team_id`` is the
linking workspace). When the other organization's installation meets that channel, its
commands there and its attempts to link it are refused with who linked it (that
organization's installation, and the person who set it up) and what to do instead; its
people keep using the buttons on the linking installation's messages, as the partner side.
So one organization's link never makes the other the partner side of its own partnerbot.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from sqlalchemy import select

from bot.app import installation_store
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Partnership, PartnershipStatus
from tests.bench.harness import CHANNEL, PARTNER, VENDOR, SlackBench, bench_settings
from tests.bench.scenarios import setup_values

KEY = Fernet.generate_key().decode()


@pytest.fixture
def two_installs(fake_slack, sessions, engine):
    """partnerbot in OAuth mode, installed by the vendor's and by the partner's workspace."""
    settings = bench_settings(
        fake_slack,
        database_url=str(engine.url),
        slack_bot_token=None,
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        token_encryption_key=KEY,
    )
    store = installation_store(settings, sessions)
    assert store is not None
    for team, name, token in (
        (VENDOR, "Vendor Inc", "xoxb-vendor-install"),
        (PARTNER, "Acme Resellers", "xoxb-partner-install"),
    ):
        store.save(
            SlackInstallation(
                app_id="A0PARTNER",
                team_id=team,
                team_name=name,
                bot_token=token,
                bot_id=f"B{team}",
                bot_user_id=f"UBOT{team}",
                bot_scopes="commands,chat:write",
                user_id="U_INSTALLER",
                installed_at=datetime.now(UTC).timestamp(),
            )
        )
    bench = SlackBench(fake_slack, sessions, settings)
    yield bench
    bench.executor.shutdown(wait=True)


def link_from(bench: SlackBench, user: str, team: str, channel: str = CHANNEL, **values):
    """/partner and the setup modal, through ``team``'s own installation."""
    bench.command("/partner", user=user, team=team, channel=channel)
    assert bench.last_view()["callback_id"] == "partnership_setup"
    form = setup_values(**values)
    form[B.CHANNEL] = rq.conversation(channel)
    return bench.submit(form, user=user, user_team=team, app_team=team)


def live(bench: SlackBench) -> list[Partnership]:
    with bench.session() as session:
        return list(
            session.scalars(
                select(Partnership).where(Partnership.status != PartnershipStatus.ENDED)
            )
        )


def answered(bench: SlackBench, response) -> str:
    """What a command was answered with (its ack) or told afterwards (response_url)."""
    return (response.body or "") + "".join(str(r.get("text")) for r in bench.fake.responses)


def test_the_partner_linked_first_the_vendors_own_partnerbot_refuses_and_says_who(
    two_installs, fake_slack
):
    bench = two_installs
    # The partner's installation links the shared channel first, naming the vendor's people
    # as its partner contacts.
    response = link_from(
        bench,
        "U_DANA",
        PARTNER,
        **{
            B.PARTNER_NAME: rq.text("Vendor Inc"),
            B.OWNERS: rq.users("U_DANA"),
            B.CONTACTS_SALES: rq.users("U_TM"),
            B.CONTACTS_OPERATIONS: rq.users(),
        },
    )
    assert response.status == 200 and not response.body, response.body
    [theirs] = live(bench)
    assert (theirs.vendor_team_id, theirs.partner_team_id) == (PARTNER, VENDOR)

    # The vendor's own partnerbot, in that channel: no summary that makes the vendor "the
    # partner", no setup, no win form as the partner side; a refusal that says who linked it.
    for command, text in (
        ("/partner", ""),
        ("/win", "Big deal $5k"),
        ("/roe", ""),
        ("/promise", ""),
    ):
        fake_slack.reset_calls()
        fake_slack.responses.clear()
        response = bench.command(command, text, user="U_TM", team=VENDOR)
        said = answered(bench, response)
        assert "Acme Resellers's own partnerbot linked this channel" in said, (command, said)
        assert "<@U_DANA>" in said
        assert "Partnership:" not in said
        assert not fake_slack.calls_to("views.open"), command

    # Help still answers.
    assert "/partner" in answered(bench, bench.command("/partner", "help", user="U_TM"))

    # A setup submission from the vendor's installation that picks the channel anyway (say, a
    # modal opened elsewhere) gets a field error naming the linking installation.
    bench.command("/partner", user="U_TM", team=VENDOR, channel="C0VENDORONLY")
    response = bench.submit(setup_values(), user="U_TM", user_team=VENDOR, app_team=VENDOR)
    assert "Acme Resellers's own partnerbot linked this channel" in (response.body or "")
    assert "Dana" in (response.body or "")
    assert [p.id for p in live(bench)] == [theirs.id]

    # The vendor's partnerbot keeps its own partnerships: it links another channel fine.
    response = link_from(bench, "U_TM", VENDOR, channel="C0VENDORONLY")
    assert response.status == 200 and not response.body, response.body
    ours = [p for p in live(bench) if p.vendor_team_id == VENDOR]
    assert [(p.channel_id, p.partner_team_id) for p in ours] == [("C0VENDORONLY", PARTNER)]


def test_the_vendor_linked_first_the_partner_installing_later_changes_nothing(
    two_installs, fake_slack
):
    bench = two_installs
    response = link_from(bench, "U_TM", VENDOR)
    assert response.status == 200 and not response.body, response.body
    [ours] = live(bench)

    # The partner's own partnerbot: its commands in the channel are refused, naming the
    # vendor's installation.
    fake_slack.reset_calls()
    fake_slack.responses.clear()
    response = bench.command("/partner", user="U_DANA", team=PARTNER)
    said = answered(bench, response)
    assert "Vendor Inc's own partnerbot linked this channel" in said and "<@U_TM>" in said
    response = bench.command("/win", "Our deal", user="U_DANA", team=PARTNER)
    assert "Vendor Inc's own partnerbot linked this channel" in answered(bench, response)
    assert not fake_slack.calls_to("views.open")

    # The partner's people still act on the vendor's messages as the partner side.
    fake_slack.responses.clear()
    bench.click(Action.SHOW_SUMMARY, str(ours.id), user="U_DANA", user_team=PARTNER)
    assert "What you can do here" in str(fake_slack.responses)  # the partner's card
    [still] = live(bench)
    assert (still.vendor_team_id, still.partner_team_id) == (VENDOR, PARTNER)
