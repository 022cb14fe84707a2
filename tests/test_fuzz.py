"""Arbitrary text, malformed payloads and unknown ids at every listener: no 5xx, no traceback
shown to anyone, nothing stored."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers.ids import Action, Block, Callback
from sandbox import requests as rq
from storage.models import Base
from tests.bench.harness import OTHER, PARTNER, SECRET, VENDOR
from tests.bench.scenarios import link_partnership

# Tables a stray request may touch without storing anything a user made: the directory of
# people (refreshed from users.info) and the event ids seen.
BOOKKEEPING = {"people", "processed_events", "oauth_states"}
TRACEBACK = re.compile(r"Traceback|File \"|Error\(|Exception|sqlalchemy|psycopg", re.I)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Values that can't name a stored row by accident (the set-up's rows have small ids).
garbage = st.one_of(
    st.text(max_size=300).filter(lambda s: not re.fullmatch(r"\s*\d{1,4}\s*", s)),
    st.integers(min_value=10**6, max_value=10**12).map(str),
    st.just(json.dumps({"partnership_id": 99999999})),
)


def counts(bench) -> dict[str, int]:
    with bench.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }


def shown_to_people(fake) -> str:
    """Everything partnerbot said to anyone: posts, ephemerals, responses, modals."""
    parts = [json.dumps([m.text, m.blocks]) for m in fake.messages + fake.ephemerals]
    parts += [json.dumps(r) for r in fake.responses]
    parts += [json.dumps(v) for v in fake.views.values()]
    return "\n".join(parts)


@pytest.fixture
def linked(bench):
    link_partnership(bench)
    return bench


def check(bench, before, response):
    assert response.status < 500, response.body
    assert not TRACEBACK.search(response.body or ""), response.body
    assert not TRACEBACK.search(shown_to_people(bench.fake))
    assert counts(bench) == before


@FUZZ
@given(
    command=st.sampled_from(["/partner", "/win", "/roe", "/promise"]),
    text=st.text(max_size=500),
    team=st.sampled_from([VENDOR, OTHER]),
)
def test_any_command_text(linked, command, text, team):
    before = counts(linked)
    check(
        linked,
        before,
        linked.command(command, text, user="U_TM" if team == VENDOR else "U_OUT", team=team),
    )


@FUZZ
@given(
    action=st.sampled_from(list(Action)),
    value=garbage,
    who=st.sampled_from([("U_TM", VENDOR), ("U_DANA", PARTNER), ("U_OUT", OTHER)]),
    option=st.one_of(st.none(), garbage),
)
def test_any_click_with_any_value(linked, action, value, who, option):
    before = counts(linked)
    response = linked.click(action, value, user=who[0], user_team=who[1], selected_option=option)
    check(linked, before, response)


field_state = st.one_of(
    st.builds(rq.text, st.text(max_size=200)),
    st.builds(
        lambda ids: rq.users(*ids),
        st.lists(st.sampled_from(["U_TM", "U_DANA", "U_OUT", "U_GHOST"]), max_size=3),
    ),
    st.builds(rq.user, st.sampled_from(["U_TM", "U_DANA", "U_OUT", None])),
    st.builds(rq.option, st.one_of(st.none(), st.text(max_size=40))),
    st.builds(
        rq.date,
        st.one_of(st.none(), st.just("2026-02-30"), st.just("not a date"), st.dates().map(str)),
    ),
    st.builds(rq.conversation, st.one_of(st.none(), st.text(max_size=12))),
    st.just({}),
)


@FUZZ
@given(
    callback=st.sampled_from(list(Callback)),
    values=st.dictionaries(
        st.sampled_from([str(b) for b in Block] + ["nonsense"]), field_state, max_size=6
    ),
    metadata=st.one_of(garbage, st.just("")),
    who=st.sampled_from([("U_TM", VENDOR), ("U_DANA", PARTNER), ("U_OUT", OTHER)]),
)
def test_any_submission_with_missing_or_junk_fields(linked, callback, values, metadata, who):
    before = counts(linked)
    view = {
        "id": "V_FUZZ",
        "type": "modal",
        "callback_id": str(callback),
        "private_metadata": metadata,
        "blocks": [{"type": "input", "block_id": b} for b in values],
    }
    response = linked.submit(values, user=who[0], user_team=who[1], view=view)
    check(linked, before, response)


MALFORMED = [
    "payload=not-json",
    "payload=" + json.dumps({"type": "block_actions"}),
    "payload=" + json.dumps({"type": "block_actions", "actions": [], "user": {}}),
    "payload="
    + json.dumps(
        {
            "type": "block_actions",
            "user": {"id": "U_TM"},
            "actions": [{"action_id": "partnership_show_summary"}],
        }
    ),
    "payload="
    + json.dumps(
        {"type": "view_submission", "user": {"id": "U_TM"}, "view": {"callback_id": "win_log"}}
    ),
    "payload="
    + json.dumps(
        {
            "type": "view_submission",
            "view": {"type": "modal", "callback_id": "partnership_setup", "state": "x"},
        }
    ),
    urlencode({"command": "/win", "text": "x" * 100_000, "user_id": "U_TM", "team_id": VENDOR}),
    urlencode({"command": "/partner"}),
    "",
    "\x00\xff" * 50,
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_and_oversized_payloads(linked, body):
    before = counts(linked)
    for headers in (rq.signed_headers(SECRET, body), {"content-type": "text/plain"}):
        status, answer = linked.post(body, headers)
        assert status < 500 and not TRACEBACK.search(answer), (status, answer)
    assert not TRACEBACK.search(shown_to_people(linked.fake))
    assert counts(linked) == before


def test_event_with_missing_fields(linked):
    before = counts(linked)
    for event in (
        {"type": "channel_id_changed"},
        {"type": "channel_shared"},
        {"type": "channel_unshared"},
        {"type": "tokens_revoked"},
    ):
        check(linked, before, linked.event(event))
