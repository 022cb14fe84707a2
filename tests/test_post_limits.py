"""Abuse limits: partnerbot posts in a partnership's channel only so often on anyone's behalf,
and sharing the same rulebook or scorecard again links the earlier post."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.ids import Action
from storage.models import Proposal
from tests.bench.harness import (
    CHANNEL,
    PARTNER,
    SlackBench,
    bench_settings,
    block_texts,
    response_json,
)
from tests.bench.scenarios import link_partnership
from tests.rules.flows import approve, propose


def bench_with(fake_slack, sessions, engine, **limits):
    settings = bench_settings(fake_slack, database_url=str(engine.url), **limits)
    return SlackBench(fake_slack, sessions, settings)


@pytest.fixture
def limited(fake_slack, sessions, engine):
    bench = bench_with(
        fake_slack, sessions, engine, posts_per_person_per_hour=3, posts_per_partnership_per_hour=5
    )
    yield bench
    bench.executor.shutdown(wait=True)


@pytest.fixture
def sharing(fake_slack, sessions, engine):
    bench = bench_with(fake_slack, sessions, engine, repeat_share_minutes=10)
    yield bench
    bench.executor.shutdown(wait=True)


def proposals(bench) -> int:
    with bench.session() as session:
        return int(session.scalar(select(func.count()).select_from(Proposal)) or 0)


def try_to_propose(bench, user: str, title: str, team: str) -> dict:
    bench.command("/roe", user=user) if team != PARTNER else None
    if team == PARTNER:
        with bench.session() as session:
            from storage.models import Partnership

            pid = session.scalar(select(Partnership.id))
        bench.click(Action.ROE_PROPOSE, str(pid), user=user, user_team=team)
    from tests.rules.flows import rule_values

    response = bench.submit(rule_values(title=title), user=user, user_team=team)
    return {"status": response.status, "body": response.body}


def test_one_person_is_limited_then_the_partnership(limited, fake_slack):
    link_partnership(limited)
    for n in range(3):
        propose(limited, "U_TM", title=f"Rule {n}")
    answer = try_to_propose(limited, "U_TM", "One too many", "T_VENDOR")
    assert proposals(limited) == 3  # refused, nothing stored
    told = answer["body"]
    assert "in the last hour, the most partnerbot makes for one person" in told
    assert "Nothing was changed; try again in" in told

    # others may still post, until the partnership's channel has had its hourly share
    propose(limited, "U_DANA", title="Partner rule")
    propose(limited, "U_PAT", title="Another partner rule")
    answer = try_to_propose(limited, "U_PAT", "Over the channel's limit", PARTNER)
    assert proposals(limited) == 5
    assert "the most it posts there" in answer["body"]


def test_sharing_the_same_rulebook_again_links_the_earlier_post(sharing, fake_slack):
    limited = sharing
    partnership = link_partnership(limited)
    proposal = propose(limited, "U_TM")
    approve(limited, proposal.id, "U_DANA")

    def shared() -> list:
        return [
            m for m in fake_slack.posts(CHANNEL) if (m.text or "").startswith("Rules of engagement")
        ]

    limited.click(Action.ROE_SHARE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    assert len(shared()) == 1
    limited.click(Action.ROE_SHARE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    assert len(shared()) == 1
    said = fake_slack.responses[-1]["text"]
    assert "Nothing has changed since the rulebook was shared in <#C0SHARED>" in said
    assert "https://slack.test/archives/" in said  # a link to the earlier post

    # once the rulebook changes, sharing it posts again
    second = propose(limited, "U_CAM", title="Second rule")
    approve(limited, second.id, "U_DANA")
    limited.click(Action.ROE_SHARE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    assert len(shared()) == 2


def test_sharing_the_same_scorecard_again_links_the_earlier_post(sharing, fake_slack):
    partnership = link_partnership(sharing)

    def scorecards() -> list:
        return [m for m in fake_slack.posts(CHANNEL) if "scorecard" in (m.text or "").lower()]

    for _ in range(2):  # the button shows what will be posted; the dialog posts it
        sharing.click(Action.SHARE_KPIS, str(partnership.id), user="U_TM")
        answer = sharing.submit({}, user="U_TM", view=sharing.last_view())
    assert len(scorecards()) == 1
    said = block_texts(response_json(answer)["view"]["blocks"])
    assert "Nothing has changed since the scorecard was shared" in said
    assert "https://slack.test/archives/" in said  # a link to the earlier post


def test_a_win_over_the_limit_is_refused_in_its_modal_and_not_saved(limited, fake_slack):
    from sandbox import requests as rq
    from storage.models import Win
    from tests.wins.helpers import win_values

    link_partnership(limited)
    EARLIER = {"win_closed_on": rq.date("2026-11-20")}
    for n in range(3):
        limited.command("/win")
        limited.submit(win_values(**{"win_headline": rq.text(f"Deal {n}"), **EARLIER}))
    limited.command("/win")
    answer = limited.submit(win_values(**{"win_headline": rq.text("One too many"), **EARLIER}))
    assert "the most partnerbot makes for one person" in answer.body
    with limited.session() as session:
        assert session.scalar(select(func.count()).select_from(Win)) == 3
