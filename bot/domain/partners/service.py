"""Partnerships: linking a shared channel to a partner, who is who, and the channel's life."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlalchemy import bindparam, literal_column, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, object_session

from bot.domain.clock import utcnow
from bot.domain.errors import Conflict, NotAllowed, NotFound, collect
from bot.domain.fields import SetupField
from bot.domain.partners.names import vendor_name
from bot.domain.people import Actor, display_name, ensure_workspace, known
from bot.domain.text import clean_line
from storage.models import (
    ContactRole,
    Member,
    Partnership,
    PartnershipStatus,
    Person,
    Side,
    Workspace,
)

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9_]{1,40}$")
MAX_NAME = 200


@dataclass(frozen=True)
class PartnershipForm:
    """What the setup modal says, already parsed into plain values."""

    channel_id: str | None
    partner_name: str
    owners: list[str]
    contacts: dict[ContactRole, list[str]]
    vendor_approvers: list[str] = field(default_factory=list)
    partner_approvers: list[str] = field(default_factory=list)
    time_zone: str = "UTC"
    holiday_country: str | None = None
    deal_approvers: list[str] = field(default_factory=list)  # vendor side: decide on deals


MAX_PEOPLE_PER_FIELD = 20


def require_sizes(form: PartnershipForm) -> None:
    """At most MAX_PEOPLE_PER_FIELD people in each field of the setup: checked before anyone
    is looked up in Slack, so a hand-made submission naming thousands costs nothing."""
    fields: dict[str, list[str]] = {
        SetupField.OWNERS: form.owners,
        SetupField.VENDOR_APPROVERS: form.vendor_approvers,
        SetupField.PARTNER_APPROVERS: form.partner_approvers,
        SetupField.DEAL_APPROVERS: form.deal_approvers,
        **{f"contacts_{role.value}": ids for role, ids in form.contacts.items()},
    }
    collect(
        {
            name: f"Name up to {MAX_PEOPLE_PER_FIELD} people here."
            for name, ids in fields.items()
            if len(ids) > MAX_PEOPLE_PER_FIELD
        }
    )


def supported_countries() -> set[str]:
    return set(holidays.list_supported_countries())


def valid_time_zone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Nearly every request starts with one of these two reads, so they are built once (building a
# statement and its cache key cost more than running it) and load the members in the same
# query (who is who decides what a person may do), the vendor workspace (its name) and the
# review schedule (the summary's line) as well. "Not ended" is written out as the live-channel
# index's own condition: with the status as a parameter SQLite prepared the statement anew on
# every run to see whether that partial index applied (four times the cost of the query).
_WITH_PARTNERSHIP = (
    joinedload(Partnership.members),
    joinedload(Partnership.vendor_workspace),
    joinedload(Partnership.review_schedule),
)
_LIVE_IN_CHANNEL = (
    select(Partnership)
    .where(
        Partnership.channel_id == bindparam("channel_id"),
        Partnership.status != literal_column(f"'{PartnershipStatus.ENDED.value}'"),
    )
    .options(*_WITH_PARTNERSHIP)
)
_BY_ID = (
    select(Partnership)
    .where(Partnership.id == bindparam("partnership_id"))
    .options(*_WITH_PARTNERSHIP)
)


def live_partnership_in(session: Session, channel_id: str) -> Partnership | None:
    """The partnership linked to a channel, unless it has ended."""
    return session.execute(_LIVE_IN_CHANNEL, {"channel_id": channel_id}).unique().scalar()


def get_partnership(session: Session, partnership_id: int) -> Partnership:
    if Session.identity_key(Partnership, partnership_id) in session.identity_map:
        partnership = session.get(Partnership, partnership_id)  # this session has it already
    else:
        found = session.execute(_BY_ID, {"partnership_id": partnership_id})
        partnership = found.unique().scalar()
    if partnership is None:
        raise NotFound("That partnership no longer exists.")
    return partnership


def partnerships_of(session: Session, user_id: str) -> list[Partnership]:
    """Live partnerships a person plays a part in."""
    return list(
        session.scalars(
            select(Partnership)
            .join(Member)
            .where(Member.user_id == user_id, Partnership.status != PartnershipStatus.ENDED)
            .order_by(Partnership.partner_name)
        )
    )


def partnerships_of_team(session: Session, team_id: str) -> list[Partnership]:
    """Live partnerships of a vendor workspace, by partner name."""
    return list(
        session.scalars(
            select(Partnership)
            .where(
                Partnership.vendor_team_id == team_id, Partnership.status != PartnershipStatus.ENDED
            )
            .order_by(Partnership.partner_name)
        )
    )


def side_of(
    partnership: Partnership, team_id: str | None, enterprise_id: str | None = None
) -> Side | None:
    """Which side a workspace is on in this partnership, or None for an outsider.

    On Enterprise Grid Slack may name a person's organization (``E…``) where a workspace id
    would be, or tell it beside their workspace (``enterprise_id``): people of a side's
    organization are that side. An exact workspace match decides first.
    """
    if team_id and team_id == partnership.vendor_team_id:
        return Side.VENDOR
    if team_id and team_id == partnership.partner_team_id:
        return Side.PARTNER
    orgs = {org for org in (team_id, enterprise_id) if org}
    vendor_org, partner_org = partnership.vendor_enterprise_id, partnership.partner_enterprise_id
    if vendor_org and vendor_org in orgs and vendor_org != partner_org:
        return Side.VENDOR
    if partner_org and partner_org in orgs and partner_org != vendor_org:
        return Side.PARTNER
    return None


def person_side(session: Session, partnership: Partnership, user_id: str | None) -> Side | None:
    """A person's side, from what we know of them (for someone not behind the request, such
    as the author of an effect told later how it went)."""
    person = session.get(Person, user_id) if user_id else None
    if person is None:
        return None
    return side_of(partnership, person.team_id, person.enterprise_id)


def actor_side(partnership: Partnership, actor: Actor) -> Side | None:
    """The actor's side, from their workspace and (on Enterprise Grid) their organization."""
    return side_of(partnership, actor.team_id, actor.enterprise_id)


def linked_by_other_installation(
    session: Session, partnership: Partnership, *, in_form: bool = False
) -> NotAllowed:
    """The refusal for an organization whose own partnerbot meets a channel the other
    organization's partnerbot linked: it names who linked it and what to do instead
    (``in_form``: for a modal's field error, which shows names, not mentions)."""
    workspace = session.get(Workspace, partnership.vendor_team_id)
    quoting: list[str] = []
    if workspace is not None and workspace.name:
        linker = "{}'s own partnerbot"
        quoting.append(workspace.name)
    else:
        linker = "The other organization's own partnerbot"
    if in_form:
        who = "{}"
        quoting.append(display_name(session, partnership.created_by))
    else:
        who = mention(partnership.created_by)
    template = (
        f"{linker} linked this channel (set up by {who}); in that partnership your "
        "organization is the partner. A shared channel holds one partnership, kept by the "
        "installation that linked it: use the buttons on its messages, ask them to end it "
        "with `/partner exit` if it should be linked from your side, or link another shared "
        "channel."
    )
    return NotAllowed(template, field=SetupField.CHANNEL, quoting=tuple(quoting))


def require_own_installation(session: Session, partnership: Partnership, actor: Actor) -> None:
    """Refuse a command that reached this channel through the partner's own installation:
    each installation keeps the partnerships it linked, so one organization's link never
    makes the other the partner side of its own partnerbot."""
    if actor_side(partnership, actor) is Side.PARTNER:
        raise linked_by_other_installation(session, partnership)


# An outsider's refusal names no partnership: whoever holds an id (a button's value, a
# hand-made payload) must not learn from us who partners with whom.
NOT_IN_PARTNERSHIP = "Only people from the two organizations in this partnership can do that."


def require_side(partnership: Partnership, actor: Actor) -> Side:
    side = actor_side(partnership, actor)
    if side is None:
        raise NotAllowed(NOT_IN_PARTNERSHIP)
    return side


def _ask_owners(partnership: Partnership, actor: Actor, ask: str) -> str:
    """Whom to ask, for people of either side; an outsider is told no one's name."""
    if actor_side(partnership, actor) is None:
        return ""
    return f" {ask} {mentions(owners(partnership))}."


def require_vendor(partnership: Partnership, actor: Actor, doing: str) -> None:
    """Only the vendor's people may do this; the refusal names the vendor and, to people of
    either side, the owners to ask."""
    if actor_side(partnership, actor) is not Side.VENDOR:
        session = object_session(partnership)
        vendor = (
            vendor_name(session, partnership.vendor_team_id) if session is not None else None
        ) or "the vendor"
        raise NotAllowed(
            "Only people at {} can "
            + doing
            + "."
            + _ask_owners(partnership, actor, "Ask one of the owners:"),
            quoting=(vendor,),
        )


def require_owner(partnership: Partnership, actor: Actor, doing: str) -> None:
    """Only the partnership's named owners may do this (the setup names who they are)."""
    if not is_owner(partnership, actor.user_id):
        raise NotAllowed(
            f"Only the partnership's owners can {doing}."
            + _ask_owners(partnership, actor, "Ask one of them:")
        )


def owners(partnership: Partnership) -> list[str]:
    return [m.user_id for m in partnership.members if m.is_owner]


def is_owner(partnership: Partnership, user_id: str) -> bool:
    return user_id in owners(partnership)


def contacts(partnership: Partnership) -> dict[ContactRole, list[str]]:
    grouped: dict[ContactRole, list[str]] = {role: [] for role in ContactRole}
    for member in partnership.members:
        if member.contact_role is not None:
            grouped[member.contact_role].append(member.user_id)
    return grouped


def named_approvers(partnership: Partnership, side: Side) -> list[str]:
    return [m.user_id for m in partnership.members if m.is_approver and m.side is side]


def may_approve(partnership: Partnership, actor: Actor) -> bool:
    """Named approvers of the actor's side, or anyone on that side when none are named."""
    side = actor_side(partnership, actor)
    if side is None:
        return False
    named = named_approvers(partnership, side)
    return actor.user_id in named if named else True


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if USER_ID.match(user_id) else "someone"


def mentions(user_ids: Iterable[str]) -> str:
    ids = list(user_ids)
    return ", ".join(f"<@{u}>" for u in ids) if ids else "nobody yet"


def _validate(
    session: Session,
    form: PartnershipForm,
    vendor_team_id: str,
    current: Partnership | None,
    vendor_org: str | None = None,
) -> tuple[dict[str, str], str | None, str | None]:
    """Check a setup form; returns field errors, the partner's workspace id and (on
    Enterprise Grid) the partner's organization."""
    errors: dict[str, str] = {}
    name = clean_line(form.partner_name)
    if not name:
        errors[SetupField.PARTNER_NAME] = "Enter the partner organization's name."
    elif len(name) > MAX_NAME:
        errors[SetupField.PARTNER_NAME] = f"Keep the name under {MAX_NAME} characters."

    if current is None:
        if not form.channel_id or not CHANNEL_ID.match(form.channel_id):
            errors[SetupField.CHANNEL] = (
                "Pick a channel (a direct message can't hold a partnership)."
            )
        else:
            existing = live_partnership_in(session, form.channel_id)
            theirs = existing is not None and (
                side_of(existing, vendor_team_id, vendor_org) is Side.PARTNER
            )
            if existing is not None and theirs:
                errors[SetupField.CHANNEL] = linked_by_other_installation(
                    session, existing, in_form=True
                ).message
            elif existing is not None:
                errors[SetupField.CHANNEL] = (
                    f"This channel is already linked to {existing.partner_name}. Run /partner "
                    "there and use Edit to change it, or pick another channel."
                )

    if not form.time_zone:
        errors[SetupField.TIME_ZONE] = "Pick the time zone the reviews are scheduled in."
    elif not valid_time_zone(form.time_zone):
        errors[SetupField.TIME_ZONE] = (
            f"“{form.time_zone}” is not a time zone we know. Pick one from the list."
        )
    country = (form.holiday_country or "").strip().upper()
    if country and country not in supported_countries():
        errors[SetupField.HOLIDAY_COUNTRY] = (
            f"“{form.holiday_country}” is not a country code with a holiday calendar. Use a "
            "two-letter ISO code such as US, DE, GB or IN, or leave it empty."
        )

    people = known(
        session,
        form.owners
        + form.vendor_approvers
        + form.partner_approvers
        + form.deal_approvers
        + [u for ids in form.contacts.values() for u in ids],
    )

    def team(user_id: str) -> str | None:
        person = people.get(user_id)
        if person is None:
            return None
        if vendor_org and vendor_org in (person.enterprise_id, person.team_id):
            return vendor_team_id  # any workspace of the vendor's Grid organization
        return person.team_id

    if not form.owners:
        errors[SetupField.OWNERS] = "Name at least one owner on your side (the CAM or TM)."
    elif outside := [u for u in form.owners if team(u) != vendor_team_id]:
        errors[SetupField.OWNERS] = (
            f"Owners must be from your organization; {mentions(outside)} is not. "
            "Add partner people as contacts."
        )
    if outside := [u for u in form.vendor_approvers if team(u) != vendor_team_id]:
        errors[SetupField.VENDOR_APPROVERS] = (
            f"Vendor approvers must be from your organization; {mentions(outside)} is not."
        )
    if outside := [u for u in form.deal_approvers if team(u) != vendor_team_id]:
        errors[SetupField.DEAL_APPROVERS] = (
            f"Deal approvers must be from your organization; {mentions(outside)} is not."
        )

    all_contacts = [u for ids in form.contacts.values() for u in ids]
    partner_team = current.partner_team_id if current is not None else None
    partner_people = all_contacts + form.partner_approvers
    if not all_contacts:
        errors[SetupField.CONTACTS_SALES] = "Name at least one contact at the partner."
    unknown = [u for u in partner_people if team(u) is None]
    ours = [u for u in partner_people if team(u) == vendor_team_id]
    if unknown:
        errors[SetupField.CONTACTS_SALES] = (
            f"Couldn't look up {mentions(unknown)}; try again in a moment."
        )
    elif ours:
        errors[SetupField.CONTACTS_SALES] = (
            f"{mentions(ours)} is in your own organization: partner contacts and approvers must "
            "be people from the partner (add your people as owners)."
        )
    else:
        teams = {team(u) for u in partner_people}
        if partner_team is not None:
            teams.add(partner_team)
        if len(teams) > 1:
            errors[SetupField.CONTACTS_SALES] = (
                "The partner contacts come from more than one organization; a partnership is "
                "with one partner."
            )
        elif teams:
            partner_team = teams.pop()
    partner_orgs = {people[u].enterprise_id for u in partner_people if u in people}
    partner_org = partner_orgs.pop() if len(partner_orgs) == 1 else None
    if partner_org is None and current is not None:
        partner_org = current.partner_enterprise_id
    return errors, partner_team, partner_org


def _set_members(partnership: Partnership, form: PartnershipForm) -> None:
    by_user: dict[str, Member] = {}

    def member(user_id: str, side: Side) -> Member:
        if user_id not in by_user:
            by_user[user_id] = Member(
                user_id=user_id,
                side=side,
                is_owner=False,
                is_approver=False,
                is_deal_approver=False,
            )
        return by_user[user_id]

    for user_id in form.owners:
        member(user_id, Side.VENDOR).is_owner = True
    for user_id in form.vendor_approvers:
        member(user_id, Side.VENDOR).is_approver = True
    for role, user_ids in form.contacts.items():
        for user_id in user_ids:
            member(user_id, Side.PARTNER).contact_role = role
    for user_id in form.partner_approvers:
        member(user_id, Side.PARTNER).is_approver = True
    for user_id in form.deal_approvers:
        member(user_id, Side.VENDOR).is_deal_approver = True

    # Keep existing rows (and their ids) for people who stay; drop the rest.
    existing = {m.user_id: m for m in partnership.members}
    kept: list[Member] = []
    for user_id, wanted in by_user.items():
        row = existing.get(user_id) or wanted
        row.side, row.is_owner = wanted.side, wanted.is_owner
        row.is_approver, row.contact_role = wanted.is_approver, wanted.contact_role
        row.is_deal_approver = wanted.is_deal_approver
        kept.append(row)
    partnership.members = kept


def vendor_of(session: Session, actor: Actor) -> tuple[str, str | None]:
    """The workspace and (on Enterprise Grid) organization of whoever links a channel: the
    vendor side, whose installation keeps the partnership. Where Slack named only their
    organization (``E…``), their workspace is the one users.info gave."""
    team, org = actor.team_id, actor.enterprise_id
    person = session.get(Person, actor.user_id)
    if person is not None:
        org = org or person.enterprise_id
        if team.startswith("E") and person.team_id:
            org, team = org or team, person.team_id
    return team, org


def link_partnership(session: Session, form: PartnershipForm, actor: Actor) -> Partnership:
    """Link a shared channel to a partner organization; the actor's workspace is the vendor."""
    vendor_team, vendor_org = vendor_of(session, actor)
    errors, partner_team, partner_org = _validate(session, form, vendor_team, None, vendor_org)
    collect(errors)
    ensure_workspace(session, vendor_team)
    now = utcnow()
    partnership = Partnership(
        channel_id=form.channel_id,
        partner_name=clean_line(form.partner_name),
        vendor_team_id=vendor_team,
        vendor_enterprise_id=vendor_org,
        partner_team_id=partner_team,
        partner_enterprise_id=partner_org,
        status=PartnershipStatus.ACTIVE,
        time_zone=form.time_zone,
        holiday_country=(form.holiday_country or "").strip().upper() or None,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    _set_members(partnership, form)
    try:
        # A second submission racing this one trips the one-live-partnership-per-channel index.
        with session.begin_nested():
            session.add(partnership)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "This channel was just linked by someone else. Run /partner there to see it.",
            field=SetupField.CHANNEL,
        ) from None
    return partnership


def update_partnership(
    session: Session, partnership_id: int, form: PartnershipForm, actor: Actor
) -> Partnership:
    """Change a partnership's setup; only the vendor side may."""
    partnership = get_partnership(session, partnership_id)
    # Owners only: whoever edits the setup can name owners, and owners may end the partnership.
    require_owner(partnership, actor, "change the partnership setup")
    if partnership.status is PartnershipStatus.ENDED:
        raise Conflict("This partnership has ended; its record can't be changed.")
    errors, partner_team, partner_org = _validate(
        session, form, partnership.vendor_team_id, partnership, partnership.vendor_enterprise_id
    )
    collect(errors)
    partnership.partner_name = clean_line(form.partner_name)
    partnership.partner_team_id = partner_team
    partnership.partner_enterprise_id = partner_org
    partnership.time_zone = form.time_zone
    partnership.holiday_country = (form.holiday_country or "").strip().upper() or None
    partnership.updated_at = utcnow()
    _set_members(partnership, form)
    session.flush()
    return partnership


def channel_id_changed(session: Session, old_id: str, new_id: str) -> int:
    """Follow a channel whose id changed (a private channel becoming shared)."""
    rows = list(session.scalars(select(Partnership).where(Partnership.channel_id == old_id)))
    for partnership in rows:
        partnership.channel_id = new_id
        partnership.updated_at = utcnow()
    return len(rows)


def channel_sharing_changed(
    session: Session, channel_id: str, *, left: str | None, still_shared: bool
) -> Partnership | None:
    """A workspace stopped sharing the channel (Slack's ``channel_unshared``); returns the
    partnership this paused, if any.

    ``left`` is the workspace that went (``previously_connected_team_id``). When it is the
    partner's (or the vendor's own), the partnership pauses even if a third organization
    stays in the channel (``still_shared``); when a third organization leaves, nothing
    changes. Without ``left``, the channel pauses once nobody else shares it.
    """
    partnership = live_partnership_in(session, channel_id)
    if partnership is None or partnership.status is not PartnershipStatus.ACTIVE:
        return None
    if left and partnership.partner_team_id is not None:
        if side_of(partnership, left) is None:
            return None  # a third organization left; the partner is still here
    elif still_shared:
        return None
    paused = session.execute(
        update(Partnership)
        .where(Partnership.id == partnership.id, Partnership.status == PartnershipStatus.ACTIVE)
        .values(status=PartnershipStatus.DISCONNECTED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.refresh(partnership)
    return partnership if paused else None
