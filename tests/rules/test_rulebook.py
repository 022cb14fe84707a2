"""The rulebook in force (paged, shared in the channel) and a rule's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.domain.partners.names import TIMES
from bot.domain.rules import records as rulebook
from handlers.ids import Action
from storage.models import Rule, RuleCategory, RuleStatus
from tests.bench.harness import CHANNEL, PARTNER, block_texts, response_json
from tests.bench.scenarios import link_partnership
from tests.rules.flows import approve, comment_decision, decide, propose, rule_values

LONG = "Both sides do the right thing. " * 80  # about 2,400 characters


def add_rules(bench, partnership_id: int, count: int) -> None:
    """Rules already agreed (their proposals are not the point of these tests)."""
    now = datetime.now(UTC)
    with bench.session() as session:
        for n in range(1, count + 1):
            session.add(
                Rule(
                    partnership_id=partnership_id,
                    number=n,
                    status=RuleStatus.IN_FORCE,
                    title=f"Rule number {n} " + "x" * 120,
                    text=LONG,
                    category=RuleCategory.COMMUNICATION,
                    version=1,
                    agreed_at=now,
                    updated_at=now,
                )
            )
        session.commit()


def within_limits(blocks) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        text = (block.get("text") or {}).get("text") or ""
        assert len(text) <= 3000


def test_sixty_rules_page_through_within_block_kit_limits(bench, fake_slack):
    partnership = link_partnership(bench)
    add_rules(bench, partnership.id, 60)
    first = response_json(bench.command("/roe", "list"))
    within_limits(first["blocks"])
    seen = block_texts(first["blocks"])
    assert f"Rules of engagement · Vendor Inc {TIMES} Acme Resellers" in seen
    assert "60 rules in force, agreed by Vendor Inc and Acme Resellers" in seen
    assert "page 1 of 4" in seen
    more = next(
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.ROE_RULEBOOK_PAGE
    )
    pages_seen = 1
    while more is not None:
        bench.click(Action.ROE_RULEBOOK_PAGE, more["value"])
        reply = fake_slack.responses[-1]
        assert reply["replace_original"] is True
        within_limits(reply["blocks"])
        seen += block_texts(reply["blocks"])
        pages_seen += 1
        more = next(
            (
                e
                for b in reply["blocks"]
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == Action.ROE_RULEBOOK_PAGE
            ),
            None,
        )
    assert pages_seen == 4
    for n in range(1, 61):
        assert f"*R-{n} · Rule number {n} " in seen

    # shared in the channel: as many messages as it takes, each within the limits
    bench.click(Action.ROE_SHARE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    posts = [m for m in fake_slack.posts(CHANNEL) if (m.text or "").startswith("Rules of")]
    assert len(posts) == 2
    shared = ""
    for post in posts:
        within_limits(post.blocks)
        shared += block_texts(post.blocks)
    assert all(f"*R-{n} · " in shared for n in range(1, 61))
    assert "Shared the rulebook in <#C0SHARED>" in fake_slack.ephemerals_for("U_DANA")[-1].text


def test_partner_side_opens_the_rulebook_from_the_summary(bench, fake_slack):
    partnership = link_partnership(bench)
    proposal = propose(bench, "U_TM")
    approve(bench, proposal.id, "U_DANA")
    bench.click(Action.ROE_RULEBOOK, str(partnership.id), user="U_PAT", user_team=PARTNER)
    reply = fake_slack.responses[-1]
    assert reply["response_type"] == "ephemeral"
    assert "*R-1 · Deal registration window*" in block_texts(reply["blocks"])
    bench.click(Action.ROE_RULEBOOK, str(partnership.id), user="U_OUT", user_team="T_OTHER")
    assert "Only people from the two organizations" in fake_slack.responses[-1]["text"]


def test_show_gives_the_history_in_the_readers_time_zone(bench, fake_slack):
    with freeze_time(datetime(2026, 12, 1, 15, 0, tzinfo=UTC)) as clock:
        link_partnership(bench)
        proposal = propose(bench, "U_TM")
        clock.tick(timedelta(hours=1))
        comment_decision(bench, Action.ROE_REQUEST_CHANGES, proposal.id, "U_DANA", "60 days")
        clock.tick(timedelta(hours=1))
        decide(bench, Action.ROE_AMEND, proposal.id, "U_TM")
        bench.submit(rule_values(title="Deal protection", text="Protected for 60 days."))
        clock.tick(timedelta(hours=1))
        approve(bench, proposal.id, "U_DANA")

        body = response_json(bench.command("/roe", "show R-1"))  # Terry is in New York
    text = block_texts(body["blocks"])
    assert "R-1 · Deal protection" in text
    assert "in force, version 2" in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert lines == [
        "• Tue 1 Dec 2026, 10:00 New York time · Terry TM (Vendor Inc) proposed version 1 "
        "“Deal registration window”",
        "• Tue 1 Dec 2026, 10:00 New York time · Terry TM (Vendor Inc) approved version 1",
        "• Tue 1 Dec 2026, 11:00 New York time · Dana (Acme Resellers) requested changes to "
        "version 1: “60 days”",
        "• Tue 1 Dec 2026, 12:00 New York time · Terry TM (Vendor Inc) amended it to version 2",
        "• Tue 1 Dec 2026, 12:00 New York time · Terry TM (Vendor Inc) approved version 2",
        "• Tue 1 Dec 2026, 13:00 New York time · Dana (Acme Resellers) approved version 2",
    ]
    # the title is in the header; a line names one only where a version put forward another


def test_show_names_the_title_once_when_it_never_changed(bench, fake_slack):
    link_partnership(bench)
    proposal = propose(bench, "U_TM")
    approve(bench, proposal.id, "U_DANA")
    text = block_texts(response_json(bench.command("/roe", "show R-1"))["blocks"])
    assert text.count("Deal registration window") == 2  # the header and the rule itself
    assert "“Deal registration window”" not in text

    assert "not a rule number" in response_json(bench.command("/roe", "show banana"))["text"]
    assert "There is no R-7" in response_json(bench.command("/roe", "show R-7"))["text"]


def test_rule_activity_since_for_the_review_agenda(bench):
    partnership = link_partnership(bench)
    since = datetime.now(UTC) - timedelta(minutes=1)
    agreed = propose(bench, "U_TM", title="Agreed one")
    approve(bench, agreed.id, "U_DANA")
    propose(bench, "U_TM", title="Still pending")
    with bench.session() as session:
        activity = rulebook.rule_activity_since(session, partnership.id, since)
        later = rulebook.rule_activity_since(session, partnership.id, since + timedelta(hours=1))
    # made and agreed since the last review: listed once, as agreed
    assert activity.proposed == ["Still pending"] and activity.proposed_count == 1
    assert activity.agreed == ["R-1 Agreed one"] and activity.agreed_count == 1
    assert (later.proposed_count, later.agreed_count) == (0, 0)


def test_sharing_in_an_archived_channel_says_what_to_do(bench, fake_slack):
    partnership = link_partnership(bench)
    proposal = propose(bench, "U_TM")
    approve(bench, proposal.id, "U_DANA")
    fake_slack.channel_errors[CHANNEL] = "is_archived"
    bench.click(Action.ROE_SHARE, str(partnership.id), user="U_DANA", user_team=PARTNER)
    text = fake_slack.last_post("DU_DANA").text  # the channel refuses ephemerals too
    assert f"I couldn't post the rulebook in <#{CHANNEL}>" in text
    assert "is archived. Ask someone to unarchive it, then press *Post it now*." in text
    assert "Something went wrong" not in text

    # unarchived: Post it now shares it, once however often it is pressed
    del fake_slack.channel_errors[CHANNEL]
    dm = fake_slack.last_post("DU_DANA")
    [button] = [e for b in dm.blocks if b["type"] == "actions" for e in b["elements"]]
    for _ in range(2):
        bench.click(button["action_id"], button["value"], user="U_DANA", user_team=PARTNER)
    shared = [m for m in fake_slack.posts(CHANNEL) if (m.text or "").startswith("Rules of")]
    assert len(shared) == 1


def test_an_empty_rulebook_points_each_side_to_what_it_can_use(bench, fake_slack):
    partnership = link_partnership(bench)
    bench.click(Action.ROE_RULEBOOK, str(partnership.id), user="U_DANA", user_team=PARTNER)
    partner = block_texts(fake_slack.responses[-1]["blocks"])
    assert "No rules are in force yet. Propose one with the *Propose a rule* button" in partner
    assert "/roe" not in partner  # a partner's people can't run it
    vendor = block_texts(response_json(bench.command("/roe", "list"))["blocks"])
    assert "Propose one with `/roe` or the *Propose a rule* button" in vendor
