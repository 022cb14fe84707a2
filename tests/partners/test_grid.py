"""Enterprise Grid: people of the vendor's organization are the vendor side, whatever id
Slack names them by.

On an org-wide installation ``team`` can be null, ``enterprise`` set and ``user.team_id`` the
organization's ``E…`` id. Sides are decided from the workspace and the organization
together: the vendor's organization is recorded when the channel is linked, and a person of
it is the vendor side; a person of another organization never is, whatever ``enterprise`` the
payload carries (in a shared channel that is the installing organization's).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.domain.partners.service import actor_side
from bot.domain.people import Actor
from handlers.directory import actor_of
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Partnership, PartnershipStatus, Side
from tests.bench import grid
from tests.bench.harness import CHANNEL, SlackBench
from tests.bench.scenarios import link_partnership, setup_values

# Which Grid organization each workspace belongs to, as users.info tells it.
ORGS = {"T_VENDOR": "E_VENDOR", "T_VENDOR_EMEA": "E_VENDOR", "T_PARTNER": "E_PARTNER"}


@pytest.fixture
def on_grid(fake_slack, monkeypatch):
    """Both organizations on Enterprise Grid: users.info names each person's organization."""
    fake_slack.add_user("U_EMEA", "T_VENDOR_EMEA", "Emma EMEA", "Europe/London")
    plain = fake_slack.api_users_info

    def users_info(args):
        answer = plain(args)
        if answer.get("ok"):
            user = answer["user"]
            org = ORGS.get(user["team_id"])
            if org is not None:
                user["enterprise_user"] = {
                    "id": user["id"],
                    "enterprise_id": org,
                    "enterprise_name": f"{org} Org",
                    "teams": [user["team_id"]],
                }
        return answer

    monkeypatch.setattr(fake_slack, "api_users_info", users_info)
    return fake_slack


def grid_command(bench: SlackBench, command: str, text: str = "", *, team: str = "T_VENDOR"):
    return bench.send(
        grid.command_body(
            command,
            text,
            user="U_TM",
            team=team,
            enterprise_id="E_VENDOR",
            channel=CHANNEL,
            response_url=bench.fake.response_url("grid-command"),
        )
    )


def grid_click(bench: SlackBench, action: str, value: str, *, user: str, user_team: str):
    return bench.send(
        grid.action_body(
            action,
            value,
            user=user,
            user_team=user_team,
            enterprise_id="E_VENDOR",
            channel=CHANNEL,
            response_url=bench.fake.response_url("grid-action"),
        )
    )


def grid_submit(bench: SlackBench, values, *, user: str = "U_TM", user_team: str = "E_VENDOR"):
    return bench.send(
        grid.view_submission_body(
            bench.last_view(), values, user=user, user_team=user_team, enterprise_id="E_VENDOR"
        )
    )


def stored(bench: SlackBench) -> Partnership:
    with bench.session() as session:
        partnership = session.scalar(select(Partnership).where(Partnership.channel_id == CHANNEL))
        assert partnership is not None
        return partnership


def last_answer(bench: SlackBench) -> str:
    return json.dumps(bench.fake.responses[-1]) if bench.fake.responses else ""


def test_an_owner_on_grid_links_the_channel_with_colleagues_from_other_workspaces(bench, on_grid):
    assert grid_command(bench, "/partner").status == 200
    assert bench.last_view()["callback_id"] == "partnership_setup"
    values = setup_values(**{B.OWNERS: rq.users("U_TM", "U_EMEA")})
    response = grid_submit(bench, values)  # user.team_id is the organization's E… id
    assert response.status == 200 and not response.body, response.body

    partnership = stored(bench)
    # Keyed by the owner's own workspace, with each side's organization recorded.
    assert partnership.vendor_team_id == "T_VENDOR"
    assert partnership.vendor_enterprise_id == "E_VENDOR"
    assert partnership.partner_team_id == "T_PARTNER"
    assert partnership.partner_enterprise_id == "E_PARTNER"
    assert {m.user_id for m in partnership.members if m.is_owner} == {"U_TM", "U_EMEA"}
    assert "linked this channel" in (bench.fake.last_post(CHANNEL).text or "")


def test_the_vendors_own_owner_on_grid_is_the_vendor_side(bench, on_grid):
    partnership = link_partnership(bench)

    # A click where Slack names the owner by the organization's id and sends no team.
    grid_click(bench, Action.SHOW_SUMMARY, str(partnership.id), user="U_TM", user_team="E_VENDOR")
    assert "At Acme Resellers (partner side)" in last_answer(bench)  # the vendor's card
    assert stored(bench).vendor_enterprise_id == "E_VENDOR"

    # A colleague's workspace of the vendor's organization: the KPIs are theirs to see.
    response = grid_command(bench, "/partner", "kpis", team="T_VENDOR_EMEA")
    said = (response.body or "") + last_answer(bench)
    assert "internal to the vendor team" not in said and "KPIs" in said

    # /partner exit from another workspace of the vendor's organization, then the modal
    # submitted the Grid way: the owner ends the partnership.
    assert grid_command(bench, "/partner", "exit", team="T_VENDOR_EMEA").status == 200
    assert bench.last_view()["callback_id"] == "partnership_exit"
    values = {
        B.EXIT_CHOICE: rq.option("end"),
        B.EXIT_SUCCESSOR: rq.user(None),
        B.EXIT_NOTE: rq.text(""),
    }
    response = grid_submit(bench, values)
    assert response.status == 200 and not response.body, response.body
    assert stored(bench).status is PartnershipStatus.ENDED


def test_the_partner_on_a_grid_install_is_never_the_vendor_side(bench, on_grid):
    partnership = link_partnership(bench)
    # The payload's `enterprise` is the installing (vendor's) organization: the partner's
    # contact is still the partner side, named by workspace or by their own organization.
    for team in ("T_PARTNER", "E_PARTNER"):
        grid_click(bench, Action.SHOW_SUMMARY, str(partnership.id), user="U_DANA", user_team=team)
        assert "What you can do here" in last_answer(bench)  # the partner's card

    bench.command("/partner", "exit")  # the owner opens the modal; the partner submits it
    values = {
        B.EXIT_CHOICE: rq.option("end"),
        B.EXIT_SUCCESSOR: rq.user(None),
        B.EXIT_NOTE: rq.text(""),
    }
    response = grid_submit(bench, values, user="U_DANA", user_team="E_PARTNER")
    assert "Only people at Vendor Inc can" in (response.body or "")
    assert stored(bench).status is PartnershipStatus.ACTIVE


def test_an_outsiders_organization_is_no_side(bench, on_grid):
    partnership = link_partnership(bench)
    grid_click(bench, Action.SHOW_SUMMARY, str(partnership.id), user="U_OUT", user_team="E_OTHER")
    answer = last_answer(bench)
    assert "Only people from the two organizations" in answer
    assert "Acme" not in answer


@pytest.mark.parametrize("left", ["T_PARTNER", "E_PARTNER"])
def test_grid_events_pause_when_the_partners_organization_leaves(bench, on_grid, left):
    partnership = link_partnership(bench)
    event = {
        "type": "channel_unshared",
        "channel": CHANNEL,
        "previously_connected_team_id": left,
        "is_ext_shared": True,  # a third organization stays
        "event_ts": "1.0",
    }
    body = grid.event_body(event, enterprise_id="E_VENDOR", context_team="T_VENDOR")
    assert bench.send(body, "application/json").status == 200
    with bench.session() as session:
        assert session.get(Partnership, partnership.id).status is PartnershipStatus.DISCONNECTED


@pytest.mark.parametrize(
    ("body", "team", "enterprise"),
    [
        # org-wide install: the organization's id where the workspace would be
        (
            {
                "user": {"id": "U1", "team_id": "E_VENDOR"},
                "team": None,
                "enterprise": {"id": "E_VENDOR"},
            },
            "E_VENDOR",
            "E_VENDOR",
        ),
        # a person of the installing workspace: the payload's organization is theirs
        (
            {
                "user": {"id": "U1", "team_id": "T_VENDOR"},
                "team": {"id": "T_VENDOR", "enterprise_id": "E_VENDOR"},
            },
            "T_VENDOR",
            "E_VENDOR",
        ),
        # an external person clicking the installing organization's message: it is not theirs
        (
            {
                "user": {"id": "U1", "team_id": "T_PARTNER"},
                "team": {"id": "T_VENDOR"},
                "enterprise": {"id": "E_VENDOR"},
            },
            "T_PARTNER",
            None,
        ),
        (
            {
                "user": {"id": "U1", "team_id": "T_PARTNER"},
                "team": None,
                "enterprise": {"id": "E_VENDOR"},
                "is_enterprise_install": True,
            },
            "T_PARTNER",
            None,
        ),
        # a slash command: only the installing organization's people can run it
        (
            {"user_id": "U1", "team_id": "T_VENDOR_EMEA", "enterprise_id": "E_VENDOR"},
            "T_VENDOR_EMEA",
            "E_VENDOR",
        ),
        ({"user_id": "U1", "team_id": "T_VENDOR"}, "T_VENDOR", None),
    ],
)
def test_actor_of_takes_the_organization_only_from_what_is_the_persons(body, team, enterprise):
    actor = actor_of(body)
    assert (actor.team_id, actor.enterprise_id) == (team, enterprise)


def test_sides_from_workspace_and_organization_together():
    p = Partnership(
        vendor_team_id="T_VENDOR",
        vendor_enterprise_id="E_VENDOR",
        partner_team_id="T_PARTNER",
        partner_enterprise_id="E_PARTNER",
    )
    assert actor_side(p, Actor("U", "T_VENDOR")) is Side.VENDOR
    assert actor_side(p, Actor("U", "E_VENDOR", "E_VENDOR")) is Side.VENDOR
    assert actor_side(p, Actor("U", "T_VENDOR_EMEA", "E_VENDOR")) is Side.VENDOR
    assert actor_side(p, Actor("U", "T_PARTNER")) is Side.PARTNER
    assert actor_side(p, Actor("U", "E_PARTNER", "E_PARTNER")) is Side.PARTNER
    assert actor_side(p, Actor("U", "T_PARTNER_APAC", "E_PARTNER")) is Side.PARTNER
    assert actor_side(p, Actor("U", "E_OTHER", "E_OTHER")) is None
    assert actor_side(p, Actor("U", "T_OTHER")) is None
    # not on Grid: only the workspaces count
    plain = Partnership(vendor_team_id="T_VENDOR", partner_team_id="T_PARTNER")
    assert actor_side(plain, Actor("U", "E_VENDOR", "E_VENDOR")) is None
