"""Slack's Block Kit length limits hold with emoji at every cut, counted as Slack counts.

Slack counts some limits in UTF-16 code units: an emoji outside the Basic Multilingual Plane
is two, so an emoji-heavy 150-character header is more than 150. slack_sdk's own checks count
code points and don't see it. Here every view is rendered with people's text that puts an
emoji exactly where each limit cuts (headers 150, button text 75, option text 75, section
text 3000, fields 2000, modal titles 24, a text input's initial value within its
``max_length``, ``private_metadata`` 3000), and every limit is checked in UTF-16 units.

The views come from the features' hostile-text tests, which render every view with what
people type: run here with these strings, each payload they render is checked too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest

from handlers.blocks import button, header, section
from handlers.text import Mrkdwn, cut, escape, fit, plain

EMOJI = "\U0001f389"  # 🎉: two UTF-16 units
FLAG = "\U0001f1fa\U0001f1f8"  # 🇺🇸: two code points, four units


def units(text: str) -> int:
    """Length in UTF-16 code units, computed independently of handlers.text."""
    return len(text.encode("utf-16-le")) // 2


# Where Slack cuts, and the text lengths that put an emoji (or a flag) across each cut.
LIMITS = (24, 75, 150, 200, 2000, 2900, 3000)


def emoji_at_cuts() -> list[str]:
    texts = [EMOJI * 1600, FLAG * 800]
    for limit in LIMITS:
        for before in (limit - 2, limit - 1, limit):
            texts.append("a" * before + EMOJI * 4)
        texts.append("a" * (limit - 3) + FLAG * 2)
    return texts


AT_CUTS = emoji_at_cuts()


# -- what Slack allows, in UTF-16 units ---------------------------------------------------
def _text(node: Any) -> str:
    if isinstance(node, dict):
        return str(node.get("text") or "")
    return str(node or "")


def violations(payload: Any, where: str = "") -> list[str]:
    """Every Block Kit length limit ``payload`` (a message, blocks or a view) breaks."""
    found: list[str] = []

    def over(what: str, text: str, limit: int) -> None:
        if units(text) > limit:
            found.append(f"{where}{what}: {units(text)} > {limit} units")

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
            return
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "modal" or "private_metadata" in node:
            for name in ("title", "submit", "close"):
                if node.get(name):
                    over(f"{path}.{name}", _text(node[name]), 24)
            over(f"{path}.private_metadata", str(node.get("private_metadata") or ""), 3000)
        if kind == "header":
            over(f"{path} header", _text(node.get("text")), 150)
        if kind == "section":
            if node.get("text"):
                over(f"{path} section", _text(node["text"]), 3000)
            for i, f in enumerate(node.get("fields") or []):
                over(f"{path} field {i}", _text(f), 2000)
        if kind == "button":
            over(f"{path} button", _text(node.get("text")), 75)
            over(f"{path} button value", str(node.get("value") or ""), 2000)
        if kind == "input":
            over(f"{path} label", _text(node.get("label")), 2000)
            if node.get("hint"):
                over(f"{path} hint", _text(node["hint"]), 2000)
        if kind == "plain_text_input":
            initial = str(node.get("initial_value") or "")
            over(f"{path} initial_value", initial, int(node.get("max_length") or 3000))
            if node.get("placeholder"):
                over(f"{path} placeholder", _text(node["placeholder"]), 150)
        for key in ("options", "option_groups"):
            for i, option in enumerate(node.get(key) or []):
                if isinstance(option, dict) and "value" in option:
                    over(f"{path}.{key}[{i}] option", _text(option.get("text")), 75)
                    over(f"{path}.{key}[{i}] value", str(option["value"]), 150)
                    if option.get("description"):
                        over(f"{path}.{key}[{i}] description", _text(option["description"]), 75)
        if kind in ("static_select", "radio_buttons", "overflow") and node.get("initial_option"):
            option = node["initial_option"]
            over(f"{path} initial option", _text(option.get("text")), 75)
        if "confirm" in node and isinstance(node["confirm"], dict):
            confirm = node["confirm"]
            over(f"{path} confirm title", _text(confirm.get("title")), 100)
            over(f"{path} confirm text", _text(confirm.get("text")), 300)
        for key, value in node.items():
            if isinstance(value, dict | list):
                walk(value, f"{path}.{key}")

    walk(payload, "")
    return found


def test_the_checker_counts_utf16_units():
    assert units(EMOJI * 75) == 150 and units(FLAG) == 4
    # an emoji-heavy 150-character header is 156 units: over the limit
    assert violations(
        [{"type": "header", "text": {"type": "plain_text", "text": "a" * 144 + EMOJI * 6}}]
    )
    assert not violations([{"type": "header", "text": {"type": "plain_text", "text": "a" * 150}}])


# -- the builders every view uses ---------------------------------------------------------
@pytest.mark.parametrize("text", AT_CUTS, ids=lambda t: f"{units(t)}u")
def test_the_cutting_helpers_stay_within_each_limit(text):
    for limit in LIMITS:
        assert units(plain(text, limit)) <= limit
        assert units(escape(text, limit)) <= limit
        assert units(cut(escape(text), limit)) <= limit
        assert "\ud83c" not in plain(text, limit)  # never half an emoji
    assert not violations([header(text).to_dict()])
    assert not violations([section(escape(text), fields=[escape(text)] * 3).to_dict()])
    assert not violations(button(text, "a").to_dict())


@pytest.mark.parametrize("text", AT_CUTS, ids=lambda t: f"{units(t)}u")
def test_an_initial_value_fits_its_max_length_as_a_prefix(text):
    for limit in (3, 64, *LIMITS):
        value = fit(text, limit)
        assert units(value) <= limit and text.startswith(value)
        assert units(value) > min(limit, units(text)) - 4  # only what didn't fit whole goes


def test_a_cut_keeps_whole_emoji_and_marks_it():
    cut_header = plain("a" * 148 + EMOJI * 4, 150)
    assert cut_header == "a" * 148 + "…"  # the emoji that didn't fit whole is dropped
    assert units(plain(EMOJI * 75, 150)) == 150  # exactly at the limit: kept as it is
    assert plain(EMOJI * 76, 150) == EMOJI * 74 + "…"
    assert isinstance(cut(Mrkdwn("x" * 2999 + EMOJI), 3000), Mrkdwn)


# -- every view ------------------------------------------------------------------------
def renders(h: str) -> Iterator[tuple[str, Any]]:
    """Every view of every feature, with ``h`` wherever people's text goes (the domain
    objects come from the features' hostile-text tests)."""
    from datetime import date, datetime

    from bot.domain.partners.names import Sides
    from bot.domain.promises.records import PromiseList
    from bot.domain.reviews.cadence import Cadence
    from bot.domain.rules.records import ProposalRecord, RuleHistory
    from bot.domain.wins.form import WinForm
    from handlers.exit import messages as exit_views
    from handlers.exit import modals as exit_modals
    from handlers.home.tab import home_view
    from handlers.kpis import messages as kpi_views
    from handlers.partners import messages as partner_views
    from handlers.partners import modals as partner_modals
    from handlers.promises import messages as promise_views
    from handlers.promises import modals as promise_modals
    from handlers.reviews import messages as review_views
    from handlers.reviews import modals as review_modals
    from handlers.rules import messages as rule_views
    from handlers.rules import modals as rule_modals
    from handlers.rules import rulebook as book
    from handlers.wins import messages as win_messages
    from handlers.wins import modals as win_views
    from storage.models import DecisionKind, ProductLine, ProposalStatus, ReviewStatus, Side
    from tests.home.test_hostile_text import board
    from tests.kpis.test_hostile_text import report
    from tests.promises.test_hostile_text import promise
    from tests.reviews.test_hostile_text import agenda, review, schedule
    from tests.rules.test_hostile_text import all_states, partnership, rule, state
    from tests.wins.test_hostile_text import win

    now = datetime(2026, 11, 30, 15, tzinfo=UTC)
    today = date(2026, 11, 30)
    p = partnership(h)

    # partnerships and exit
    for side in Side:
        yield (
            f"summary, {side} side",
            partner_views.summary_blocks(
                p,
                Sides(h, h),
                partner_views.Reader("U_TM", side),
                partner_views.SummaryExtras(lines=[h]),
            ),
        )
    yield "linked", partner_views.linked_message(p, Sides(h, h), "U_TM")
    yield (
        "setup",
        partner_modals.setup_modal(
            partner_modals.SetupDefaults("C0SHARED", "UTC", ["U_TM"], partnership=p)
        ),
    )
    yield "exit modal", exit_modals.exit_modal(p)
    yield "closing", exit_views.closing_message(p, h, "U_TM")
    yield "resume offer", exit_views.resume_offer(p)

    # rules
    for s in all_states(h):
        yield "proposal", rule_views.proposal_message(s)
        yield "decision buttons", rule_views.decision_buttons(s)
        for kind in DecisionKind:
            yield (
                "decision note",
                {"text": rule_views.decision_note(s, "U_DANA", Side.PARTNER, kind, 2)},
            )
    pending = state(h, ProposalStatus.PENDING)
    yield "superseded", rule_views.superseded(pending, h)
    yield "nudge", rule_views.nudge_dm(pending, "https://acme.slack.com/archives/C0SHARED/p1", 2)
    yield "nudge in thread", rule_views.nudge_in_thread(pending, ["U_DANA"])
    yield "rule modal", rule_modals.rule_modal(1, [rule(h), rule(h, number=4)], replaces=rule(h))
    yield "amend modal", rule_modals.rule_modal(1, [], amending=(1, pending.version))
    yield "comment modal", rule_modals.comment_modal("cb", h, "Why?", h, {"x": 1}, h)
    rules = [rule(h, number=n) for n in range(1, 20)]
    yield "rulebook", book.rulebook_page(p, Sides(h, h), rules)
    for message in book.shared_rulebook(Sides(h, h), rules, "U_TM"):
        yield "shared rulebook", message
    agreed = state(h, ProposalStatus.AGREED, agreed=True)
    history = RuleHistory(
        rule(h),
        [ProposalRecord(agreed.proposal, [agreed.version], agreed.decisions)],
        Sides(h, h),
        {"U_TM": h, "U_DANA": h},
    )
    yield "history", book.history_blocks(history, "America/New_York")

    # wins
    w = win(h)
    yield "celebration", win_messages.celebration(w, Sides(h, h), w.created_at)
    yield "withdrawn", win_messages.withdrawn(w, Sides(h, h))
    yield "withdraw dialog", win_views.withdraw_modal(w, "C1")
    yield "recent", win_messages.recent_list(p, [w], h)
    draft = WinForm(
        partnership_id=1,
        headline=h,
        kind="deal",
        amount=h,
        currency=h,
        new_product_line=h,
        closed_on=today,
        story=h,
    )
    lines = [ProductLine(id=3, name=h, name_key="k")]
    yield "win modal", win_views.win_modal(win_views.WinModalDefaults(draft=draft, partnership=p))
    yield (
        "win modal, choosing",
        win_views.win_modal(
            win_views.WinModalDefaults(draft=draft, choices=[p, partnership(h)], lines=lines)
        ),
    )
    yield "saving", win_views.saving_view(w)
    yield "outcome", win_views.outcome_view(w, win_views.PostResult(posted=True, channel_id="C1"))
    failed = win_views.PostResult(posted=False, error=h, channel_id="C1")
    yield "outcome, failed", win_views.outcome_view(w, failed, edited=True)

    # promises
    pr = promise(h)
    yield "maker card", promise_views.maker_card(pr, now)
    yield "reminder", promise_views.reminder_message(pr, now)
    yield "partner note", promise_views.partner_note(pr, Sides(h, h), True)
    yield "dispute modal", promise_modals.dispute_modal(pr)
    yield "made good request", promise_views.made_good_request(pr, False)
    yield "renegotiation", promise_views.renegotiation_request(pr, 2, True)
    yield "to maker", promise_views.to_maker(pr, escape(h), True)
    yield "list", promise_views.list_message(PromiseList(mine=[pr], owned=[pr], more=0), now)
    yield "thread root", promise_views.thread_root(pr)
    yield "make modal", promise_modals.make_modal(pr.partnership, [], today)
    yield "make modal, choosing", promise_modals.make_modal(None, [pr.partnership], today)
    yield "made good modal", promise_modals.made_good_modal(pr)
    yield "not yet modal", promise_modals.not_yet_modal(pr)
    yield "renegotiate modal", promise_modals.renegotiate_modal(pr)

    # reviews
    due = review(status=ReviewStatus.DUE)
    prompt = review_views.prompt_message(p, Sides(h, h), due, agenda(h), now)
    yield "prompt", prompt
    yield "closed", review_views.closed_blocks(prompt["blocks"], review_views.closed_line(review()))
    yield "held summary", review_views.held_summary(review(h))
    yield "snoozed", review_views.snoozed_reminder(Sides(h, h), "U_DANA")
    yield "overdue", review_views.overdue_dm(p, due, "UTC", "https://slack.test/archives/C1/p1")
    yield "paused", review_views.paused_dm(p, h)
    yield "held modal", review_modals.held_modal(review(h, status=ReviewStatus.DUE), p, today)
    yield "cadence modal", review_modals.cadence_modal(p, schedule())
    yield "move modal", review_modals.move_modal(p, schedule(), "UTC")
    cadence = Cadence(2, 0, now.time(), "America/New_York", "US", today)
    yield "schedule line", {"text": review_views.schedule_line(schedule(h), cadence, "UTC")}

    # KPIs and App Home
    r = report(h)
    yield "kpis", kpi_views.report_blocks(r, chart_note=h)
    yield "kpis shared", kpi_views.shared_summary(r, Sides(h, h), "U_TM")
    yield "kpis share preview", kpi_views.share_preview(r, Sides(h, h), "U_TM", "C1")
    yield "home", home_view(board(h))


@pytest.mark.parametrize("text", AT_CUTS, ids=lambda t: f"{units(t)}u")
def test_every_view_keeps_slacks_limits_with_emoji_at_the_cut(text):
    found: list[str] = []
    for name, payload in renders(text):
        found += violations(payload, f"{name}: ")
    assert not found, json.dumps(found[:20], indent=1)
