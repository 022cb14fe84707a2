"""Pure view builders for the rulebook (paged, and shared in the channel) and a rule's history.

Rule titles and texts, names and comments are arguments of ``md`` (escaped), never templates.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, Option, OverflowMenuElement

from bot.domain.partners.names import Sides
from bot.domain.rules.records import RuleHistory
from bot.domain.text import count
from handlers.blocks import (
    MAX_MESSAGE_BLOCKS,
    actions,
    button,
    divider,
    header,
    local_time,
    message,
    note,
    section,
)
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.rules.messages import CATEGORY_LABELS, terms_line
from handlers.text import Mrkdwn, cut, escape, join, md, user
from storage.models import DecisionKind, Partnership, Rule, RuleStatus, Side

PAGE_SIZE = 15  # rules per ephemeral page: 15 sections + header, context, divider, actions
SHARED_PER_MESSAGE = 45  # rules per message when the rulebook is shared in the channel
RULE_TEXT_SHOWN = 1200
HISTORY_SECTION = 2900
VERBS = {
    DecisionKind.PROPOSE: "proposed",
    DecisionKind.APPROVE: "approved",
    DecisionKind.REQUEST_CHANGES: "requested changes to",
    DecisionKind.REJECT: "rejected",
    DecisionKind.AMEND: "amended it to",
    DecisionKind.WITHDRAW: "withdrew",
}
PUT_FORWARD = (DecisionKind.PROPOSE, DecisionKind.AMEND)


def rule_text(rule: Rule) -> Mrkdwn:
    text = _rule_text(rule)
    terms = terms_line(rule.terms)
    return md("{}\n{}", text, terms) if terms is not None else text


def _rule_text(rule: Rule) -> Mrkdwn:
    return md(
        "*{} · {}*  _{} · v{}_\n{}",
        rule.label,
        rule.title,
        CATEGORY_LABELS[rule.category],
        rule.version,
        escape(rule.text, RULE_TEXT_SHOWN),
    )


def pages(rules: list[Rule]) -> int:
    return max(1, -(-len(rules) // PAGE_SIZE))


def title(names: Sides) -> str:
    """The rulebook belongs to both: its title names them jointly (``Sides.joint``)."""
    return f"Rules of engagement · {names.joint}"


def rulebook_page(
    p: Partnership, names: Sides, rules: list[Rule], page: int = 0, side: Side = Side.VENDOR
) -> dict[str, Any]:
    """One page of the rulebook in force, for one person (of ``side``: a partner's people
    can't run /roe, so they are pointed to the button), with buttons for more and sharing."""
    total = pages(rules)
    page = min(max(page, 0), total - 1)
    shown = rules[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    blocks: list[Block] = [header(title(names))]
    if not rules:
        how = (
            md("the *Propose a rule* button on the partnership summary")
            if side is Side.PARTNER
            else md("`/roe` or the *Propose a rule* button on the partnership summary")
        )
        blocks.append(section(md("No rules are in force yet. Propose one with {}.", how)))
        return message(md("{}", title(names)), blocks)
    blocks.append(
        note(
            md(
                "{} in force, agreed by {} and {}{}",
                count(len(rules), "rule"),
                names.vendor,
                names.partner,
                f" · page {page + 1} of {total}" if total > 1 else "",
            )
        )
    )
    for rule in shown:
        blocks.append(
            section(
                rule_text(rule),
                accessory=OverflowMenuElement(
                    action_id=Action.ROE_RULE_MENU,
                    options=[
                        Option(text="History", value=f"history:{rule.id}"),
                        Option(text="Propose a replacement", value=f"replace:{rule.id}"),
                        Option(text="Propose retiring it", value=f"retire:{rule.id}"),
                    ],
                ),
            )
        )
    elements = []
    if page + 1 < total:
        elements.append(
            button(f"More ({page + 2} of {total})", Action.ROE_RULEBOOK_PAGE, f"{p.id}:{page + 1}")
        )
    elements.append(button("Share in channel", Action.ROE_SHARE, str(p.id)))
    blocks += [divider(), actions(block_id=B.ROE_RULEBOOK_ACTIONS, elements=elements)]
    return message(md("{}: {}", title(names), count(len(rules), "rule")), blocks)


def shared_rulebook(names: Sides, rules: list[Rule], shared_by: str) -> list[dict[str, Any]]:
    """The rulebook as channel messages, as many as it takes to stay within Slack's limits."""
    chunks = [rules[i : i + SHARED_PER_MESSAGE] for i in range(0, len(rules), SHARED_PER_MESSAGE)]
    messages = []
    for n, chunk in enumerate(chunks or [[]]):
        blocks: list[Block] = []
        if n == 0:
            blocks.append(header(title(names)))
            blocks.append(
                note(
                    md(
                        "{} in force, agreed by {} and {} · shared by {}",
                        count(len(rules), "rule"),
                        names.vendor,
                        names.partner,
                        user(shared_by),
                    )
                )
            )
        else:
            blocks.append(note(md("Rules of engagement, continued ({} of {})", n + 1, len(chunks))))
        blocks += [section(rule_text(rule)) for rule in chunk]
        if not chunk:
            blocks.append(section(md("No rules are in force yet.")))
        assert len(blocks) <= MAX_MESSAGE_BLOCKS
        messages.append(
            message(
                md("{} ({} of {})", title(names), n + 1, max(1, len(chunks))),
                blocks,
            )
        )
    return messages


def _sections(lines: list[Mrkdwn]) -> list[Mrkdwn]:
    """Lines gathered into section texts of at most HISTORY_SECTION characters each."""
    sections: list[Mrkdwn] = []
    current: list[Mrkdwn] = []
    size = 0
    for line in lines:
        line = cut(line, HISTORY_SECTION)
        if current and size + len(line) + 1 > HISTORY_SECTION:
            sections.append(join("\n", current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        sections.append(join("\n", current))
    return sections


def history_blocks(h: RuleHistory, tz: str) -> dict[str, Any]:
    """A rule's history: every version put forward and who decided what, in the reader's zone."""
    rule = h.rule
    state = (
        f"retired on {local_time(rule.retired_at, tz)}"
        if rule.status is RuleStatus.RETIRED and rule.retired_at
        else f"in force, version {rule.version}, since {local_time(rule.agreed_at, tz)}"
    )
    lines: list[Mrkdwn] = []
    for record in h.proposals:
        p = record.proposal
        by_version = {v.number: v for v in record.versions}
        first = record.versions[0]
        kind = "retirement" if first.retires else "wording"
        lines.append(md("*Proposal of a new {}* · {}", kind, p.status.value.replace("_", " ")))
        for d in record.decisions:
            v = by_version.get(d.version)
            what = md("version {}", d.version)
            # The title is in the header: a line names it only where a version put forward
            # a different one.
            if v and d.kind in PUT_FORWARD and v.title != rule.title:
                what = md("{} “{}”", what, escape(v.title, 80))
            line = md(
                "• {} · {} {} {}",
                local_time(d.decided_at, tz),
                h.who(d.user_id, d.side),
                VERBS[d.kind],
                what,
            )
            if d.comment:
                line = md("{}: “{}”", line, escape(d.comment, 300))
            lines.append(line)
    blocks: list[Block] = [
        header(f"{rule.label} · {rule.title}"),
        section(rule_text(rule)),
        note(md("{} · times in {}", state, tz)),
        divider(),
    ]
    sections = _sections(lines)
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    if len(sections) > room:
        sections = sections[-room:]
        blocks.append(note(md("Earlier entries are left out.")))
    blocks += [section(text) for text in sections]
    return message(md("History of {}", rule.label), blocks)
