"""Who people are: their workspace (which decides their side), name and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.domain.clock import utcnow
from storage.models import Person, Workspace
from storage.queries import insert_ignore

PROFILE_FRESH_FOR = timedelta(hours=12)


@dataclass(frozen=True)
class Actor:
    """The person doing something: their user id and the workspace they belong to.

    On Enterprise Grid Slack may name their organization (``E…``) instead of their workspace:
    ``team_id`` is then that id, and ``enterprise_id`` is their organization whenever the
    request tells it (handlers.directory.actor_of decides).
    """

    user_id: str
    team_id: str
    enterprise_id: str | None = None


@dataclass(frozen=True)
class Profile:
    user_id: str
    team_id: str | None
    name: str | None
    tz: str | None
    enterprise_id: str | None = None


def remember(session: Session, profile: Profile) -> Person:
    """Record (or refresh) what we know of a person."""
    person = session.get(Person, profile.user_id)
    if person is None:
        # Two first requests of a new person (a double click) may both get here: the second
        # insert does nothing and both go on with the one row.
        insert_ignore(session, Person, [{"user_id": profile.user_id, "updated_at": utcnow()}])
        person = session.get(Person, profile.user_id, populate_existing=True)
        assert person is not None
    person.team_id = profile.team_id or person.team_id
    person.enterprise_id = profile.enterprise_id or person.enterprise_id
    person.name = profile.name or person.name
    person.tz = profile.tz or person.tz
    person.updated_at = utcnow()
    return person


# Read on most requests (whose side someone is on, their time zone): built once.
_KNOWN = select(Person).where(Person.user_id.in_(bindparam("user_ids", expanding=True)))


def known(session: Session, user_ids: list[str]) -> dict[str, Person]:
    """The people among ``user_ids`` we have a record of."""
    if not user_ids:
        return {}
    rows = session.scalars(_KNOWN, {"user_ids": list(dict.fromkeys(user_ids))})
    return {p.user_id: p for p in rows}


# A person's time zone, asked on nearly every request that shows a time: the three columns it
# takes, read as a plain row on the session's connection (loading the entity through the ORM
# costs several times the query).
_PEOPLE = Person.__table__.c
_ZONE = select(_PEOPLE.tz, _PEOPLE.team_id, _PEOPLE.updated_at).where(
    _PEOPLE.user_id == bindparam("user_id")
)


def known_zone(session: Session, user_id: str) -> str | None:
    """A person's time zone as we know it (UTC when they have none), or None when what we
    know is missing or stale (see ``is_stale``): look them up again first."""
    if (cached := session.identity_map.get(Session.identity_key(Person, user_id))) is not None:
        return None if is_stale(cached) else zone(cached)
    row = session.connection().execute(_ZONE, {"user_id": user_id}).first()
    if row is None or _stale(row.team_id, row.updated_at):
        return None
    return row.tz or "UTC"


def is_stale(person: Person | None) -> bool:
    """Whether what we know of a person is missing or old enough to look up again."""
    return person is None or _stale(person.team_id, person.updated_at)


def _stale(team_id: str | None, updated_at: datetime) -> bool:
    return team_id is None or updated_at < utcnow() - PROFILE_FRESH_FOR


def stale(session: Session, user_ids: list[str]) -> list[str]:
    """Those of ``user_ids`` whose profile is unknown or old enough to look up again."""
    have = known(session, user_ids)
    return [u for u in dict.fromkeys(user_ids) if is_stale(have.get(u))]


def zone(person: Person | None, default: str = "UTC") -> str:
    return person.tz if person is not None and person.tz else default


def time_zone_of(session: Session, user_id: str, default: str = "UTC") -> str:
    return zone(session.get(Person, user_id), default)


def display_name(session: Session, user_id: str) -> str:
    person = session.get(Person, user_id)
    return person.name if person is not None and person.name else user_id


def ensure_workspace(session: Session, team_id: str, name: str | None = None) -> Workspace:
    """The vendor workspace record, created on first use and reactivated on reinstall."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name, active=True, installed_at=utcnow())
        session.add(workspace)
        session.flush()  # partnerships refer to it; nothing else orders the inserts
    elif not workspace.active:
        workspace.active = True
        workspace.uninstalled_at = None
    return workspace


def name_workspace(session: Session, team_id: str, name: str | None) -> None:
    """Record the name Slack gives a workspace that installed partnerbot (auth.test's
    ``team``, told with every request, in token mode as with OAuth): it names the vendor
    side in what both companies read. A renamed workspace is renamed here too."""
    name = (name or "").strip()
    if not team_id or not name:
        return
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        insert_ignore(
            session,
            Workspace,
            [{"team_id": team_id, "name": name, "active": True, "installed_at": utcnow()}],
        )
    elif workspace.name != name:
        workspace.name = name


def workspace_uninstalled(session: Session, team_id: str) -> bool:
    """Stop all work for a workspace that removed the app or revoked its tokens."""
    workspace = session.get(Workspace, team_id)
    if workspace is None or not workspace.active:
        return False
    workspace.active = False
    workspace.uninstalled_at = utcnow()
    return True
