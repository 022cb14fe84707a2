"""One partnership world for the whole matrix, the five kinds of people, and what they saw.

The world is built once through Slack (the setup modal names U_PAT the partner's rule
approver); each case then creates its own object to act on, so cases don't disturb each other.
What a person saw is the difference in the fake Slack before and after their request; what is
stored is compared as a fingerprint of every table.

While ``crafting``, a modal submission is sent the way someone would make it by hand: a
validly signed ``view_submission`` whose view Slack never opened (an id of its own, no blocks,
no hash), carrying only the callback id and the private_metadata that name the object.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_bolt import BoltResponse
from sqlalchemy import select

from bot.domain.clock import utcnow
from handlers.ids import Block as B
from sandbox import requests as rq
from sandbox.slack import FakeSlack
from storage.models import Base
from tests.bench.harness import CHANNEL, OTHER, PARTNER, VENDOR, SlackBench, block_texts
from tests.bench.harness import response_json as json_of
from tests.bench.scenarios import link_partnership

PARTNER_NAME = "Acme Resellers"


@dataclass(frozen=True)
class Person:
    kind: str
    user: str
    team: str
    name: str

    def __str__(self) -> str:
        return self.kind


OWNER = Person("owner", "U_TM", VENDOR, "Terry TM")
MEMBER = Person("vendor member", "U_VENDOR2", VENDOR, "Vic Vendor")
CONTACT = Person("partner contact", "U_DANA", PARTNER, "Dana")
APPROVER = Person("partner approver", "U_PAT", PARTNER, "Pat")
OUTSIDER = Person("outsider", "U_OUT", OTHER, "Olli Outsider")
PEOPLE = (OWNER, MEMBER, CONTACT, APPROVER, OUTSIDER)

# Slack Web API calls that change something a person sees (other than an ephemeral reply).
SLACK_WRITES = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.delete",
        "reactions.add",
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    }
)


@dataclass
class Seen:
    """What happened in Slack while one request was handled."""

    response: BoltResponse
    calls: list[str]
    replies: list[dict[str, Any]]  # sent to the response_url
    views: list[dict[str, Any]]  # modals opened
    posts: list[Any]  # messages posted (not ephemeral)
    ephemerals: list[Any]
    submitted_view_id: str | None = None  # the view id a submission carried

    def told(self) -> str:
        """Everything the person was told, from any of the places a reply can go."""
        texts = [str(r.get("text", "")) + "\n" + block_texts(r.get("blocks")) for r in self.replies]
        texts += [(m.text or "") + "\n" + block_texts(m.blocks) for m in self.ephemerals]
        body = json_of(self.response)
        if body.get("response_action") == "update":
            texts.append(block_texts(body["view"].get("blocks")))
        elif body.get("response_action") == "errors":
            texts.extend(body["errors"].values())
        elif "text" in body:
            texts.append(str(body["text"]))
        return "\n".join(texts)

    def view(self, callback_id: str) -> dict[str, Any]:
        opened = [v for v in self.views if v.get("callback_id") == callback_id]
        assert opened, f"no {callback_id} modal opened; calls {self.calls}; told {self.told()!r}"
        return opened[-1]


class World:
    def __init__(self, bench: SlackBench) -> None:
        self.bench = bench
        self.fake: FakeSlack = bench.fake
        self._channels = itertools.count(1)
        self._n = itertools.count(1)
        self.partnership_id = self.link(CHANNEL)
        self.acting = False  # True while a case's action (not its set-up) is being done
        self.exercised: set[str] = set()  # action and callback ids the cases' actions used
        self.crafting = False  # True while modal submissions are sent as hand-made payloads
        self.crafted: set[str] = set()  # callback ids the cases sent as hand-made payloads
        self.cases_done = 0

    # -- set-up helpers ----------------------------------------------------------------------
    def link(self, channel: str, **overrides: Any) -> int:
        """A partnership in ``channel`` set up by U_TM, with U_PAT as the partner's approver."""
        fields = {B.PARTNER_APPROVERS: rq.users("U_PAT"), **overrides}
        return link_partnership(self.bench, channel=channel, **fields).id

    def new_partnership(self, **overrides: Any) -> tuple[int, str]:
        """A partnership of its own (for actions that change the partnership itself)."""
        channel = f"C0AUTH{next(self._channels):04d}"
        return self.link(channel, **overrides), channel

    def n(self) -> int:
        """A number no other case has used (for unique dates and texts)."""
        return next(self._n)

    @staticmethod
    def today() -> date:
        return utcnow().astimezone(UTC).date()

    @staticmethod
    def yesterday() -> date:
        return (utcnow() - timedelta(days=1)).date()

    @staticmethod
    def now() -> datetime:
        return utcnow()

    # -- doing things as someone -------------------------------------------------------------
    def watch(self) -> tuple[int, int, int, int, int]:
        f = self.fake
        return (len(f.calls), len(f.responses), len(f.messages), len(f.ephemerals), len(f.views))

    def seen(self, mark: tuple[int, int, int, int, int], response: BoltResponse) -> Seen:
        f = self.fake
        calls, replies, messages, ephemerals, views = mark
        return Seen(
            response=response,
            calls=[c.method for c in f.calls[calls:]],
            replies=f.responses[replies:],
            views=list(f.views.values())[views:],
            posts=f.messages[messages:],
            ephemerals=f.ephemerals[ephemerals:],
        )

    def click(
        self,
        action_id: str,
        value: str,
        who: Person,
        *,
        channel: str | None = CHANNEL,
        message: dict[str, Any] | None = None,
        selected_option: str | None = None,
    ) -> Seen:
        if self.acting:
            self.exercised.add(action_id)
        mark = self.watch()
        response = self.bench.click(
            action_id,
            value,
            user=who.user,
            user_team=who.team,
            channel=channel,
            message=message,
            selected_option=selected_option,
        )
        assert response.status == 200, response.body
        return self.seen(mark, response)

    def submit(self, view: dict[str, Any], values: dict[str, Any], who: Person) -> Seen:
        if self.acting:
            self.exercised.add(view["callback_id"])
        if self.crafting:
            view = self.craft(view)
            if self.acting:
                self.crafted.add(view["callback_id"])
        mark = self.watch()
        response = self.bench.submit(values, user=who.user, user_team=who.team, view=view)
        assert response.status == 200, response.body
        seen = self.seen(mark, response)
        seen.submitted_view_id = view["id"]
        return seen

    def craft(self, view: dict[str, Any]) -> dict[str, Any]:
        """A view made by hand: the callback id and what private_metadata names, nothing else."""
        return {
            "id": f"V0CRAFTED{self.n():05d}",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata") or "",
            "blocks": [],
        }

    def command(
        self, command: str, text: str = "", *, channel: str = CHANNEL, who: Person = OWNER
    ) -> Seen:
        """A slash command by a vendor user (partner-side people can't run our commands)."""
        mark = self.watch()
        response = self.bench.command(command, text, user=who.user, team=who.team, channel=channel)
        return self.seen(mark, response)

    # -- what is stored ----------------------------------------------------------------------
    def stored(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: a refusal must leave all of it as it was."""
        with self.bench.session() as session:
            return {
                table.name: sorted(
                    (tuple(map(repr, row)) for row in session.execute(select(table))),
                )
                for table in Base.metadata.sorted_tables
            }

    def get(self, model: type, ident: Any) -> Any:
        with self.bench.session() as session:
            row = session.get(model, ident)
            assert row is not None
            session.expunge(row)
            return row

    def rows(self, query: Any) -> list[Any]:
        with self.bench.session() as session:
            found = list(session.scalars(query))
            session.expunge_all()
            return found
