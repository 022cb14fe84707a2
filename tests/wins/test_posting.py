"""Where a win goes: the partnership channel, the wins channel copy, and when Slack refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.app import make_client
from bot.scheduler import Ticker
from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import Fault
from storage.models import Occurrence, OccurrenceStatus
from tests.bench.harness import CHANNEL, PARTNER, block_texts
from tests.bench.scenarios import link_partnership
from tests.wins.conftest import WINS_CHANNEL
from tests.wins.helpers import log_win, win_values, wins


def celebrations(fake_slack):
    return [m for m in fake_slack.posts(CHANNEL) if "Acme renewal" in (m.text or "")]


def ticker(bench):
    return Ticker(bench.sessions, make_client(bench.settings), name="t", materializers=[])


def outcome_texts(fake_slack) -> str:
    return block_texts(list(fake_slack.views.values())[-1]["blocks"])


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("not_in_channel", "/invite @partnerbot"),
        ("is_archived", "is archived"),
        ("channel_not_found", "check it with `/partner`"),
    ],
)
def test_refused_post_keeps_the_win_and_says_how_to_fix_it(bench, fake_slack, error, advice):
    link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = error
    win = log_win(bench)
    assert win.message_ts is None
    said = outcome_texts(fake_slack)
    assert "The win is saved, but I couldn't celebrate it in <#C0SHARED>" in said
    assert advice in said and "Post it now" in said

    # once fixed, "Post it now" posts it, once however often it is pressed
    del fake_slack.channel_errors[CHANNEL]
    view = list(fake_slack.views.values())[-1]
    bench.click(Action.WIN_REPOST, str(win.id), view=view)
    bench.click(Action.WIN_REPOST, str(win.id), view=view)
    [posted] = wins(bench)
    celebrations = [m for m in fake_slack.posts(CHANNEL) if "Acme renewal" in (m.text or "")]
    assert len(celebrations) == 1
    assert posted.message_ts == celebrations[0].ts
    assert celebrations[0].reactions == ["tada"]
    assert "celebrated it in <#C0SHARED>" in outcome_texts(fake_slack)


def test_partner_user_is_told_too(bench, fake_slack):
    partnership = link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    bench.click(Action.LOG_WIN, str(partnership.id), user="U_DANA", user_team=PARTNER)
    bench.submit(win_values(), user="U_DANA", user_team=PARTNER)
    assert len(wins(bench)) == 1
    said = outcome_texts(fake_slack)
    # Dana can't invite partnerbot into the vendor's channel set-up: she is told whom to ask
    assert "Ask <@U_TM> or <@U_CAM> at Vendor Inc to invite me there" in said
    assert ":warning:" not in said


def test_when_the_modal_is_gone_the_logger_gets_a_dm(bench, fake_slack):
    link_partnership(bench)
    fake_slack.channel_errors[CHANNEL] = "is_archived"
    fake_slack.fail("views.update", Fault(error="not_found"))
    log_win(bench)
    dm = fake_slack.last_post("DU_TM")
    assert "couldn't celebrate it in <#C0SHARED>" in dm.text and "archived" in dm.text


def test_a_failed_reaction_does_not_undo_the_celebration(bench, fake_slack):
    link_partnership(bench)
    fake_slack.fail("reactions.add", Fault(error="missing_scope"))
    win = log_win(bench)
    assert win.message_ts
    assert "celebrated it in" in outcome_texts(fake_slack)


def test_a_copy_goes_to_the_wins_channel(wins_bench, fake_slack):
    link_partnership(wins_bench)
    win = log_win(wins_bench)
    [copy] = fake_slack.posts(WINS_CHANNEL)
    assert "Acme renewal" in block_texts(copy.blocks)
    assert win.copy_channel_id == WINS_CHANNEL and win.copy_ts == copy.ts
    assert len([m for m in fake_slack.posts(CHANNEL) if "Acme renewal" in (m.text or "")]) == 1


def test_a_failed_copy_still_celebrates_in_the_channel(wins_bench, fake_slack):
    link_partnership(wins_bench)
    fake_slack.channel_errors[WINS_CHANNEL] = "not_in_channel"
    win = log_win(wins_bench)
    assert win.message_ts and win.copy_ts is None


def test_a_win_never_goes_to_another_partners_channel(wins_bench, fake_slack):
    """Even if WINS_CHANNEL_ID is by mistake another partner's linked channel."""
    link_partnership(wins_bench)
    link_partnership(wins_bench, channel=WINS_CHANNEL, **{B.PARTNER_NAME: rq.text("Globex")})
    log_win(wins_bench)
    assert not [m for m in fake_slack.posts(WINS_CHANNEL) if "Acme renewal" in (m.text or "")]
    assert [m for m in fake_slack.posts(CHANNEL) if "Acme renewal" in (m.text or "")]


def test_a_post_abandoned_mid_way_is_taken_up_by_the_next_tick(bench, fake_slack):
    """A process died after claiming the celebration: once its lease runs out, a tick posts
    it, once."""
    link_partnership(bench)
    fake_slack.fail("chat.postMessage", Fault(error="not_in_channel"))
    win = log_win(bench)
    with bench.session() as session:  # as if the request's process died mid-send
        session.execute(
            update(Occurrence)
            .where(Occurrence.key == f"win:{win.id}")
            .values(
                status=OccurrenceStatus.SENDING,
                claimed_by="dead",
                next_attempt_at=datetime.now(UTC) + timedelta(minutes=2),
            )
        )
        session.commit()
    ticker(bench).tick(datetime.now(UTC) + timedelta(minutes=1))  # still someone else's
    assert not celebrations(fake_slack)
    ticker(bench).tick(datetime.now(UTC) + timedelta(minutes=3))
    ticker(bench).tick(datetime.now(UTC) + timedelta(minutes=4))
    [posted] = wins(bench)
    [celebration] = celebrations(fake_slack)
    assert posted.message_ts == celebration.ts


def test_a_post_slack_made_without_answering_is_found_not_repeated(bench, fake_slack):
    """chat.postMessage answered too late: the win is saved, the person hears it will
    appear, and the retry finds the message by its key instead of posting it again."""
    link_partnership(bench)
    bench.app.client.timeout = 0.3
    fake_slack.fail("chat.postMessage", Fault(delay=0.6, done_first=True))
    win = log_win(bench)
    [first] = celebrations(fake_slack)
    assert first.metadata["event_payload"]["key"] == f"win:{win.id}"
    assert "will appear in <#C0SHARED>" in outcome_texts(fake_slack)
    [saved] = wins(bench)
    assert saved.message_ts is None
    ticker(bench).tick(datetime.now(UTC) + timedelta(minutes=1))
    assert celebrations(fake_slack) == [first]
    [posted] = wins(bench)
    assert posted.message_ts == first.ts


def test_a_burst_of_rate_limits_loses_no_celebration_and_never_holds_the_ack(bench, fake_slack):
    """Slack answers 429 to 3 of every 10 posts: every win is celebrated once in the end,
    and no submission waits for Slack."""
    link_partnership(bench)
    for n in range(10):
        if n % 10 in (1, 4, 7):
            fake_slack.fail("chat.postMessage", Fault(status=429, retry_after=1))
        log_win(bench, **{B.WIN_HEADLINE: rq.text(f"Deal {n}")})
    for minute in range(1, 4):
        ticker(bench).tick(datetime.now(UTC) + timedelta(minutes=minute))
    posted = [m for m in fake_slack.posts(CHANNEL) if "Deal " in (m.text or "")]
    assert sorted(m.text.split("Deal ")[1][0] for m in posted) == [str(n) for n in range(10)]
    assert all(w.message_ts for w in wins(bench))
