"""Multi-workspace distribution: OAuth install, tokens sealed at rest, rotation, uninstall."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from wsgiref.util import setup_testing_defaults

import pytest
from cryptography.fernet import Fernet
from freezegun import freeze_time
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import select

from bot.app import BOT_SCOPES, installation_store, make_client
from bot.domain.people import Actor
from bot.domain.reviews import schedules as review_schedules
from bot.domain.reviews.schedules import CadenceForm
from bot.installations import DatabaseStateStore, EncryptedInstallationStore, WorkspaceClients
from bot.server import make_wsgi
from handlers.ids import Block as B
from sandbox import requests as rq
from storage.models import Installation, OAuthState, Partnership, Workspace
from tests.bench.harness import SECRET, SlackBench, bench_settings
from tests.bench.scenarios import link_partnership, setup_values
from tests.reviews.helpers import tick
from tests.test_manifest import load_manifest

KEY = Fernet.generate_key().decode()


@pytest.fixture
def oauth_bench(fake_slack, sessions, engine):
    settings = bench_settings(
        fake_slack,
        database_url=str(engine.url),
        slack_bot_token=None,
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        token_encryption_key=KEY,
    )
    bench = SlackBench(fake_slack, sessions, settings)
    yield bench
    bench.executor.shutdown(wait=True)


def wsgi_get(wsgi, path: str, query: str = "", cookie: str | None = None):
    environ = {
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
        "wsgi.input": io.BytesIO(b""),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    seen: dict = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = int(status.split()[0]), headers

    body = b"".join(wsgi(environ, start_response))
    return seen["status"], dict(seen["headers"]), body.decode()


def install(bench, engine, code="good-code"):
    wsgi = make_wsgi(bench.app, engine)
    status, headers, page = wsgi_get(wsgi, "/slack/install")
    assert status in (200, 302)
    headers = {k.lower(): v for k, v in headers.items()}
    cookie = headers["set-cookie"].split(";")[0]
    location = (
        headers.get("location") or page[page.index("https://slack.com/oauth") :].split('"')[0]
    )
    state = parse_qs(urlparse(location.replace("&amp;", "&")).query)["state"][0]
    return wsgi_get(wsgi, "/slack/oauth_redirect", f"code={code}&state={state}", cookie)


def test_scopes_asked_for_are_the_manifests():
    assert sorted(BOT_SCOPES) == sorted(load_manifest()["oauth_config"]["scopes"]["bot"])


def test_oauth_install_stores_the_token_sealed(oauth_bench, engine, fake_slack, sessions):
    status, _, page = install(oauth_bench, engine)
    assert status == 200, page
    assert fake_slack.calls_to("oauth.v2.access")[0].args["code"] == "good-code"
    with sessions() as session:
        row = session.scalar(select(Installation))
        assert row.team_id == "T_NEW"
        assert b"xoxb-" not in row.sealed and b"xoxe-" not in row.sealed
        assert session.get(Workspace, "T_NEW").active
    store = EncryptedInstallationStore(sessions, KEY)
    assert store.find_bot(enterprise_id=None, team_id="T_NEW").bot_token == "xoxb-new-workspace"
    # the wrong key reads nothing (and says so in the log) instead of crashing
    assert (
        EncryptedInstallationStore(sessions, Fernet.generate_key().decode()).find_bot(
            enterprise_id=None, team_id="T_NEW"
        )
        is None
    )


def test_a_bad_code_or_replayed_state_installs_nothing(oauth_bench, engine, sessions):
    status, _, _ = install(oauth_bench, engine, code="bad")
    assert status >= 400
    with sessions() as session:
        assert session.scalar(select(Installation)) is None


def test_requests_from_an_installed_workspace_use_its_token(oauth_bench, engine, fake_slack):
    install(oauth_bench, engine)
    fake_slack.add_user("U_NEWTM", "T_NEW", "Nia")
    fake_slack.reset_calls()
    response = oauth_bench.command("/partner", user="U_NEWTM", team="T_NEW", channel="C0NEWCHAN")
    assert response.status == 200
    [opened] = fake_slack.calls_to("views.open")
    assert opened.args["token"] == "xoxb-new-workspace"


def test_requests_from_a_workspace_that_never_installed_are_refused(oauth_bench, fake_slack):
    response = oauth_bench.command("/partner", user="U_X", team="T_STRANGER")
    assert response.status == 200
    [reply] = fake_slack.responses
    assert "isn't installed in your workspace" in reply["text"]
    assert not fake_slack.calls_to("views.open")


def test_jobs_get_the_workspaces_token_rotated_before_it_expires(
    oauth_bench, engine, sessions, fake_slack
):
    install(oauth_bench, engine)
    store = installation_store(oauth_bench.settings, sessions)
    base = make_client(oauth_bench.settings, workspace_token=False)
    clients = WorkspaceClients(
        base, store, TokenRotator(client_id="111.222", client_secret="client-secret", client=base)
    )
    assert clients.for_team("T_NEW").token == "xoxb-new-workspace"  # 12 h left: kept
    assert not [
        c
        for c in fake_slack.calls_to("oauth.v2.access")
        if c.args.get("grant_type") == "refresh_token"
    ]
    with freeze_time(datetime.now(UTC) + timedelta(hours=11)):  # under 2 h left: rotated
        rotated = clients.for_team("T_NEW").token
    assert rotated.startswith("xoxb-rotated-")
    assert store.find_bot(enterprise_id=None, team_id="T_NEW").bot_token == rotated
    assert clients.for_team("T_NEVER") is None


def test_oauth_states_are_single_use_and_expire(sessions):
    states = DatabaseStateStore(sessions)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    late = states.issue()
    with freeze_time(datetime.now(UTC) + timedelta(minutes=11)):
        assert states.consume(late) is False
    with sessions() as session:
        assert session.scalar(select(OAuthState)) is None


def test_uninstall_forgets_the_tokens(oauth_bench, engine, sessions):
    install(oauth_bench, engine)
    body = {"type": "app_uninstalled"}
    from sandbox import requests as rq

    raw = rq.event_body(body, team="T_NEW")
    oauth_bench.send(
        raw,
        "application/json",
        headers=rq.signed_headers(SECRET, raw, content_type="application/json"),
    )
    with sessions() as session:
        assert session.scalar(select(Installation)) is None
        assert session.get(Workspace, "T_NEW").active is False


def test_single_token_mode_keeps_working(bench):
    assert bench.app.oauth_flow is None
    assert bench.command("/partner").status == 200


def test_scheduled_prompts_use_the_partnerships_workspace_token(oauth_bench, engine, fake_slack):

    linked_at = datetime(2026, 11, 20, 15, tzinfo=UTC)
    # Installed on the day of linking, so the token has expired by the tick whatever today is.
    with freeze_time(linked_at):
        install(oauth_bench, engine)
    fake_slack.add_user("U_NEWTM", "T_NEW", "Nia")
    fake_slack.add_user("U_NEWPARTNER", "T_NEWPARTNER", "Pete")
    with freeze_time(linked_at):
        oauth_bench.command("/partner", user="U_NEWTM", team="T_NEW", channel="C0NEWCHAN")
        values = setup_values(
            **{
                B.CHANNEL: rq.conversation("C0NEWCHAN"),
                B.OWNERS: rq.users("U_NEWTM"),
                B.CONTACTS_SALES: rq.users("U_NEWPARTNER"),
                B.CONTACTS_OPERATIONS: rq.users(),
            }
        )
        response = oauth_bench.submit(values, user="U_NEWTM", user_team="T_NEW", app_team="T_NEW")
        assert response.status == 200

    with oauth_bench.session() as session:
        partnership = session.scalar(select(Partnership))
    assert partnership.vendor_team_id == "T_NEW"
    with freeze_time(linked_at), oauth_bench.session() as session:
        review_schedules.set_cadence(
            session,
            session.get(Partnership, partnership.id),
            CadenceForm("1", "0", "10:00", date(2026, 11, 30)),
            Actor("U_NEWTM", "T_NEW"),
        )
        session.commit()
    fake_slack.reset_calls()
    tick(oauth_bench, datetime(2026, 11, 30, 15, 1, tzinfo=UTC))
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0NEWCHAN"]
    assert len(posts) == 1
    # the install's token had expired by then: the ticker rotated it and used the new one
    stored = installation_store(oauth_bench.settings, oauth_bench.sessions).find_bot(
        enterprise_id=None, team_id="T_NEW"
    )
    assert stored.bot_token.startswith("xoxb-rotated-")
    assert posts[0].args["token"] == stored.bot_token


def test_an_org_wide_grid_install_serves_its_workspaces_jobs(bench, oauth_bench, sessions):
    """On Enterprise Grid an installation for the whole organization has no workspace: the
    ticker finds it by the partnership's organization. Installing also records the
    organization on partnerships the workspace linked before, and the workspace's name."""
    link_partnership(bench, channel="C0GRID")  # linked before we knew it was on Grid
    store = installation_store(oauth_bench.settings, sessions)
    assert store is not None
    store.save(
        SlackInstallation(
            app_id="A0PARTNER",
            enterprise_id="E_VENDOR",
            team_id="T_VENDOR",
            team_name="Vendor Inc",
            bot_token="xoxb-grid-workspace",
            bot_user_id="UBOTGRID",
            user_id="U_INSTALLER",
        )
    )
    store.save(
        SlackInstallation(
            app_id="A0PARTNER",
            enterprise_id="E_ORG",
            team_id=None,
            is_enterprise_install=True,
            bot_token="xoxb-grid-org",
            bot_user_id="UBOTORG",
            user_id="U_INSTALLER",
        )
    )
    with sessions() as session:
        linked = session.scalar(select(Partnership).where(Partnership.channel_id == "C0GRID"))
        assert linked is not None and linked.vendor_enterprise_id == "E_VENDOR"
        assert session.get(Workspace, "T_VENDOR").name == "Vendor Inc"
    clients = WorkspaceClients(make_client(oauth_bench.settings, workspace_token=False), store)
    assert clients.for_team("T_VENDOR", "E_VENDOR").token == "xoxb-grid-workspace"
    assert clients.for_team("T_EMEA", "E_ORG").token == "xoxb-grid-org"
    assert clients.for_team("T_EMEA", "E_NOWHERE") is None
