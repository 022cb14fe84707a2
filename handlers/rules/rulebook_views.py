"""Pure view builders for the rulebook (paged, and shared in the channel) and a rule's history."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    HeaderBlock,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.domain.rulebook import RuleHistory
from handlers.blocks import MAX_MESSAGE_BLOCKS, button, context, local_time, truncate
from handlers.ids import Action
from handlers.ids import Block as B
from handlers.rules.views import CATEGORY_LABELS
from storage.models import DecisionKind, Partnership, Rule, RuleStatus, Side

PAGE_SIZE = 15  # rules per ephemeral page: 15 sections + header, context, divider, actions
SHARED_PER_MESSAGE = 45  # rules per message when the rulebook is shared in the channel
RULE_TEXT_SHOWN = 1200
VERBS = {
    DecisionKind.PROPOSE: "proposed",
    DecisionKind.APPROVE: "approved",
    DecisionKind.REQUEST_CHANGES: "requested changes to",
    DecisionKind.REJECT: "rejected",
    DecisionKind.AMEND: "amended it to",
    DecisionKind.WITHDRAW: "withdrew",
}


def rule_text(rule: Rule) -> str:
    return truncate(
        f"*{rule.label} · {rule.title}*  _{CATEGORY_LABELS[rule.category]} · v{rule.version}_\n"
        f"{truncate(rule.text, RULE_TEXT_SHOWN)}",
        3000,
    )


def pages(rules: list[Rule]) -> int:
    return max(1, -(-len(rules) // PAGE_SIZE))


def rulebook_page(p: Partnership, rules: list[Rule], page: int = 0) -> dict[str, Any]:
    """One page of the rulebook in force, for one person, with buttons for more and sharing."""
    total = pages(rules)
    page = min(max(page, 0), total - 1)
    shown = rules[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Rulebook: {p.partner_name}", 150))]
    if not rules:
        blocks.append(
            SectionBlock(
                text="No rules are in force yet. Propose one with `/roe` or the *Propose a "
                "rule* button on the partnership summary."
            )
        )
        return {"text": f"Rulebook of {p.partner_name}", "blocks": [b.to_dict() for b in blocks]}
    blocks.append(
        context(
            f"{len(rules)} rule{'s' if len(rules) != 1 else ''} in force, agreed by both sides"
            + (f" · page {page + 1} of {total}" if total > 1 else "")
        )
    )
    for rule in shown:
        blocks.append(
            SectionBlock(
                text=rule_text(rule),
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
    blocks += [DividerBlock(), ActionsBlock(block_id=B.ROE_RULEBOOK_ACTIONS, elements=elements)]
    return {
        "text": f"Rulebook of {p.partner_name}: {len(rules)} rules",
        "blocks": [b.to_dict() for b in blocks],
    }


def shared_rulebook(p: Partnership, rules: list[Rule], shared_by: str) -> list[dict[str, Any]]:
    """The rulebook as channel messages, as many as it takes to stay within Slack's limits."""
    chunks = [rules[i : i + SHARED_PER_MESSAGE] for i in range(0, len(rules), SHARED_PER_MESSAGE)]
    messages = []
    for n, chunk in enumerate(chunks or [[]]):
        blocks: list[Block] = []
        if n == 0:
            blocks.append(HeaderBlock(text=truncate(f"Rulebook: {p.partner_name}", 150)))
            blocks.append(
                context(
                    f"{len(rules)} rules in force, agreed by both sides · shared by <@{shared_by}>"
                )
            )
        else:
            blocks.append(context(f"Rulebook, continued ({n + 1} of {len(chunks)})"))
        blocks += [SectionBlock(text=rule_text(rule)) for rule in chunk]
        if not chunk:
            blocks.append(SectionBlock(text="No rules are in force yet."))
        assert len(blocks) <= MAX_MESSAGE_BLOCKS
        messages.append(
            {
                "text": f"Rulebook of {p.partner_name} ({n + 1} of {max(1, len(chunks))})",
                "blocks": [b.to_dict() for b in blocks],
            }
        )
    return messages


def _who(h: RuleHistory, user_id: str, side: Side) -> str:
    org = h.org_names.get(side)
    where = f"{org}, {side.value} side" if org else f"{side.value} side"
    return f"{h.names.get(user_id, user_id)} ({where})"


def history_blocks(h: RuleHistory, tz: str) -> dict[str, Any]:
    """A rule's history: every version put forward and who decided what, in the reader's zone."""
    rule = h.rule
    state = (
        f"retired on {local_time(rule.retired_at, tz)}"
        if rule.status is RuleStatus.RETIRED and rule.retired_at
        else f"in force, version {rule.version}, since {local_time(rule.agreed_at, tz)}"
    )
    lines: list[str] = []
    for record in h.proposals:
        p = record.proposal
        by_version = {v.number: v for v in record.versions}
        first = record.versions[0]
        kind = "retirement" if first.retires else "wording"
        lines.append(f"*Proposal of a new {kind}* · {p.status.value.replace('_', ' ')}")
        for d in record.decisions:
            v = by_version.get(d.version)
            what = f"version {d.version}" + (f" “{truncate(v.title, 80)}”" if v else "")
            line = f"• {local_time(d.decided_at, tz)} · {_who(h, d.user_id, d.side)} "
            line += f"{VERBS[d.kind]} {what}"
            if d.comment:
                line += f": “{truncate(d.comment, 300)}”"
            lines.append(line)
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"{rule.label} · {rule.title}", 150)),
        SectionBlock(text=rule_text(rule)),
        context(f"{state} · times in {tz}"),
        DividerBlock(),
    ]
    sections: list[str] = []
    section = ""
    for line in lines:
        line = truncate(line, 2900)
        if section and len(section) + len(line) + 1 > 2900:
            sections.append(section)
            section = ""
        section += line + "\n"
    if section:
        sections.append(section)
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    if len(sections) > room:
        sections = sections[-room:]
        blocks.append(context("Earlier entries are left out."))
    blocks += [SectionBlock(text=text) for text in sections]
    return {"text": f"History of {rule.label}", "blocks": [b.to_dict() for b in blocks]}
