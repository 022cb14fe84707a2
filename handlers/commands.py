"""The slash commands: one typed router for /partner, /win, /roe, /promise and /deal, and the
help that is generated from it (so a new subcommand shows up in `/partner help` by being
routed).

A subcommand is a function called with keywords ``ack``, ``body``, ``client``, ``session``,
``config`` and ``args`` (the rest of the text); it takes what it needs and ``**_``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError
from handlers.boundary import TrackedAck, listener
from handlers.deals import listeners as deals
from handlers.exit import listeners as exits
from handlers.kpis import listeners as kpis
from handlers.partners import listeners as partners
from handlers.partners import messages
from handlers.promises import listeners as promises
from handlers.reviews import listeners as reviews
from handlers.rules import listeners as rules
from handlers.text import Mrkdwn, md
from handlers.wins import listeners as wins

Run = Callable[..., None]


@dataclass(frozen=True)
class Subcommand:
    """``word`` ("" for the bare command) runs ``run``; ``usage`` and ``summary`` are its help.
    With ``takes_text``, text that names no subcommand goes to it whole (``/win 125k Acme``)."""

    word: str
    usage: str
    summary: str
    run: Run
    aliases: tuple[str, ...] = ()
    takes_text: bool = False


@dataclass(frozen=True)
class Router:
    command: str
    subcommands: tuple[Subcommand, ...]

    def route(self, text: str) -> tuple[Subcommand, str]:
        """The subcommand the text names and the rest of the text."""
        words = text.strip().split(maxsplit=1)
        word = words[0].lower() if words else ""
        for sub in self.subcommands:
            if word == sub.word or word in sub.aliases:
                return sub, words[1] if len(words) > 1 else ""
        bare = next((s for s in self.subcommands if s.word == "" and s.takes_text), None)
        if bare is not None:
            return bare, text.strip()
        known = ", ".join(f"`{s.usage}`" for s in self.subcommands if s.summary)
        raise DomainError(
            "I don't know `" + self.command + " {}`. Try " + known + "; `/partner help` lists "
            "every command.",
            quoting=(word[:40],),
        )

    def help(self) -> list[tuple[str, str]]:
        return [(s.usage, s.summary) for s in self.subcommands if s.summary]


def show_help(ack: TrackedAck, **_: Any) -> None:
    ack(text=help_text(), blocks=messages.help_blocks(help_entries()))


def help_text() -> Mrkdwn:
    return md("partnerbot commands: {}", ", ".join(usage for usage, _ in help_entries()))


PARTNER = Router(
    "/partner",
    (
        Subcommand(
            "",
            "/partner",
            "In a shared channel: link it to a partner, or show the partnership summary.",
            partners.link_or_summary,
        ),
        Subcommand(
            "edit",
            "/partner edit",
            "Change the partnership's owners, contacts, approvers, time zone or holidays.",
            partners.edit,
            aliases=("setup",),
        ),
        Subcommand(
            "kpis",
            "/partner kpis",
            "The partnership's KPIs per quarter and the 80/20 focus list (only you see them), "
            "with a chart in your DM.",
            kpis.show_kpis_command,
        ),
        Subcommand(
            "export",
            "/partner export",
            "A zip of CSVs of the partnership's records, sent to your DM.",
            kpis.export_command,
        ),
        Subcommand(
            "exit",
            "/partner exit",
            "Step back from your role, or end the partnership gracefully.",
            exits.open_exit,
        ),
        Subcommand(
            "cadence",
            "/partner cadence",
            "Set the review cadence (every 1 to 8 weeks, weekday, local time); "
            "`/partner cadence move` moves just the next review; `pause` and `resume`.",
            reviews.cadence_command,
        ),
        Subcommand("help", "/partner help", "This list.", show_help),
    ),
)

WIN = Router(
    "/win",
    (
        Subcommand(
            "",
            "/win",
            "Log a closed deal or a milestone and celebrate it in the shared channel "
            "(`/win 125k Acme renewal` fills in the amount and headline).",
            wins.new_win_command,
            takes_text=True,
        ),
        Subcommand(
            "list",
            "/win list",
            "The partnership's recent wins (only you see them).",
            wins.list_wins,
        ),
        Subcommand("help", "/win help", "", show_help),
    ),
)

ROE = Router(
    "/roe",
    (
        Subcommand(
            "",
            "/roe",
            "Propose a rule of engagement; it is in force once both sides approve it.",
            rules.propose_command,
            aliases=("propose",),
        ),
        Subcommand(
            "list",
            "/roe list",
            "The rulebook in force (only you see it), with a button to share it.",
            rules.list_command,
        ),
        Subcommand(
            "show",
            "/roe show R-n",
            "A rule's history: its versions and who approved what, when.",
            rules.show_command,
        ),
        Subcommand(
            "retire",
            "/roe retire R-n",
            "Propose retiring a rule; it stays in force until both sides agree.",
            rules.retire_command,
        ),
        Subcommand("help", "/roe help", "", show_help),
    ),
)

PROMISE = Router(
    "/promise",
    (
        Subcommand(
            "",
            "/promise",
            "Record a make-good promise to a partner contact; I remind you until they confirm it.",
            promises.make_command,
        ),
        Subcommand(
            "list",
            "/promise list",
            "Your open promises (and, as an owner, everyone's on your partnerships).",
            promises.list_command,
        ),
        Subcommand("help", "/promise help", "", show_help),
    ),
)

DEAL = Router(
    "/deal",
    (
        Subcommand(
            "",
            "/deal",
            "Register a partner's deal for your deal approvers to decide (the partner's people use "
            "*Register a deal* on the partnership summary).",
            deals.register_command,
            aliases=("register",),
        ),
        Subcommand("help", "/deal help", "", show_help),
    ),
)

ROUTERS = (PARTNER, WIN, ROE, PROMISE, DEAL)


def help_entries() -> list[tuple[str, str]]:
    return [entry for router in ROUTERS for entry in router.help()]


def _listener_for(router: Router) -> Run:
    def command(
        ack: TrackedAck, body: dict[str, Any], client: WebClient, session: Session, config: Any
    ) -> None:
        sub, args = router.route(str(body.get("text") or ""))
        sub.run(ack=ack, body=body, client=client, session=session, config=config, args=args)

    command.__name__ = command.__qualname__ = f"{router.command.strip('/')}_command"
    return listener(command)


def register(app: App) -> None:
    for router in ROUTERS:
        app.command(router.command)(_listener_for(router))
