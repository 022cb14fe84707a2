"""The sandbox's world: three organizations, their people, and the conversations they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.records import Channel
from sandbox.slack import FakeSlack

VENDOR, PARTNER, OTHER = "T_VENDOR", "T_PARTNER", "T_OTHER"
BOT = "UBOT"
SLACKBOT = "USLACKBOT"
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"
COMMANDS = ("/partner", "/win", "/roe", "/promise", "/deal")  # when manifest.yml isn't at hand


@dataclass(frozen=True)
class Person:
    id: str
    team: str
    name: str
    title: str
    tz: str
    is_admin: bool = False


@dataclass
class World:
    """Who is who, and where; the Slack stand-in is seeded from it."""

    teams: dict[str, str]
    people: list[Person]
    channels: list[Channel]
    commands: tuple[str, ...] = COMMANDS
    vendor: str = VENDOR
    app_name: str = "partnerbot"
    topics: dict[str, str] = field(default_factory=dict)

    def person(self, user_id: str) -> Person:
        for person in self.people:
            if person.id == user_id:
                return person
        raise KeyError(user_id)

    def name(self, user_id: str) -> str | None:
        if user_id == BOT:
            return self.app_name
        if user_id == SLACKBOT:
            return "Slackbot"
        found = [p.name for p in self.people if p.id == user_id]
        return found[0] if found else None

    def channel(self, channel_id: str) -> Channel | None:
        found = [c for c in self.channels if c.id == channel_id]
        return found[0] if found else None

    def channel_name(self, channel_id: str) -> str | None:
        found = self.channel(channel_id)
        if found is not None:
            return found.name
        if channel_id.startswith("D"):
            return self.name(channel_id[1:])
        return None

    def channels_of(self, user_id: str) -> list[Channel]:
        return [c for c in self.channels if user_id in c.members]

    def seed(self, slack: FakeSlack) -> None:
        """Put the world's people and channels into the Slack stand-in."""
        slack.bot_team = self.vendor
        slack.bot_team_name = self.teams.get(self.vendor, slack.bot_team_name)
        for person in self.people:
            user = slack.add_user(person.id, person.team, person.name, person.tz)
            user.is_admin, user.title = person.is_admin, person.title
        for channel in self.channels:
            slack.add_channel(channel)


def slash_commands(manifest: Path = MANIFEST) -> tuple[str, ...]:
    """The app's slash commands, as its manifest declares them."""
    if not manifest.is_file():
        return COMMANDS
    found = re.findall(r"^\s*-\s*command:\s*(/\S+)", manifest.read_text(), flags=re.M)
    return tuple(found) or COMMANDS


def default_world() -> World:
    """A vendor, a partner that shares a channel with it, and a third organization."""
    people = [
        Person("U_TM", VENDOR, "Terry Tran", "Territory manager", "America/New_York"),
        Person("U_CAM", VENDOR, "Casey Chen", "Channel account manager", "America/Chicago", True),
        Person("U_DANA", PARTNER, "Dana Weber", "Partner sales rep", "Europe/Berlin"),
        Person("U_EXEC", PARTNER, "Erik Lund", "Partner executive", "Europe/Berlin"),
        Person("U_PAT", PARTNER, "Pat Okafor", "Partner operations admin", "Europe/Berlin"),
        Person(
            "U_OUT", OTHER, "Olli Virtanen", "Consultant at Globex (an outsider)", "Asia/Kolkata"
        ),
    ]
    everyone = [p.id for p in people]
    vendor = [p.id for p in people if p.team == VENDOR]
    channels = [
        Channel("C0ACME", "acme-partners", [*everyone, BOT], [VENDOR, PARTNER, OTHER]),
        Channel("C0WINS", "sales-wins", [*vendor, BOT], [VENDOR]),
        Channel("C0GENERAL", "general", vendor, [VENDOR]),
    ]
    return World(
        teams={VENDOR: "Northwind Software", PARTNER: "Acme Resellers", OTHER: "Globex"},
        people=people,
        channels=channels,
        commands=slash_commands(),
        topics={
            "C0ACME": "Slack Connect with Acme Resellers (and a Globex consultant)",
            "C0WINS": "Internal: every win, celebrated",
            "C0GENERAL": "Internal: partnerbot isn't in this channel",
        },
    )
