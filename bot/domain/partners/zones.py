"""The time zones the setup offers: the setter's own first, then common ones by region.

A partnership's reviews are scheduled in its time zone. The setup offers a list instead of a
free-text IANA name; whatever comes back is still checked (``service.valid_time_zone``), so a
hand-made submission can't store a zone that doesn't exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.text import zone_name

# Slack takes at most 100 options in a select; these leave room for the setter's own zone
# and the partnership's current one.
COMMON: dict[str, tuple[str, ...]] = {
    "Americas": (
        "Pacific/Honolulu",
        "America/Anchorage",
        "America/Los_Angeles",
        "America/Vancouver",
        "America/Phoenix",
        "America/Denver",
        "America/Edmonton",
        "America/Chicago",
        "America/Winnipeg",
        "America/Mexico_City",
        "America/Bogota",
        "America/Lima",
        "America/New_York",
        "America/Toronto",
        "America/Panama",
        "America/Caracas",
        "America/Halifax",
        "America/Puerto_Rico",
        "America/Santiago",
        "America/St_Johns",
        "America/Sao_Paulo",
        "America/Argentina/Buenos_Aires",
        "America/Montevideo",
    ),
    "Europe and Africa": (
        "Atlantic/Reykjavik",
        "Europe/London",
        "Europe/Dublin",
        "Europe/Lisbon",
        "Africa/Casablanca",
        "Africa/Lagos",
        "Europe/Paris",
        "Europe/Berlin",
        "Europe/Madrid",
        "Europe/Rome",
        "Europe/Amsterdam",
        "Europe/Brussels",
        "Europe/Zurich",
        "Europe/Vienna",
        "Europe/Stockholm",
        "Europe/Oslo",
        "Europe/Copenhagen",
        "Europe/Warsaw",
        "Europe/Prague",
        "Europe/Budapest",
        "Africa/Johannesburg",
        "Africa/Cairo",
        "Europe/Athens",
        "Europe/Bucharest",
        "Europe/Helsinki",
        "Europe/Kyiv",
        "Europe/Istanbul",
        "Africa/Nairobi",
        "Europe/Moscow",
    ),
    "Asia and Pacific": (
        "Asia/Jerusalem",
        "Asia/Riyadh",
        "Asia/Dubai",
        "Asia/Karachi",
        "Asia/Tashkent",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Asia/Dhaka",
        "Asia/Bangkok",
        "Asia/Jakarta",
        "Asia/Ho_Chi_Minh",
        "Asia/Singapore",
        "Asia/Kuala_Lumpur",
        "Asia/Manila",
        "Asia/Shanghai",
        "Asia/Hong_Kong",
        "Asia/Taipei",
        "Australia/Perth",
        "Asia/Seoul",
        "Asia/Tokyo",
        "Australia/Adelaide",
        "Australia/Brisbane",
        "Australia/Sydney",
        "Australia/Melbourne",
        "Pacific/Auckland",
    ),
    "Universal": ("UTC",),
}
MAX_OPTIONS = 100


@dataclass(frozen=True)
class ZoneChoice:
    zone: str  # the IANA name stored
    label: str  # "New York time (UTC-05:00)"


@dataclass(frozen=True)
class ZoneGroup:
    label: str
    choices: list[ZoneChoice]


def _exists(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _minutes(zone: str, now: datetime) -> int:
    delta = now.astimezone(ZoneInfo(zone)).utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else 0


def offset(zone: str, now: datetime) -> str:
    """The zone's offset from UTC at ``now``: "UTC-05:00", "UTC+05:30"."""
    minutes = _minutes(zone, now)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def choice(zone: str, now: datetime) -> ZoneChoice:
    name = zone_name(zone)
    return ZoneChoice(zone, name if name == "UTC" else f"{name} ({offset(zone, now)})")


def zone_groups(own: str | None, current: str | None, now: datetime) -> list[ZoneGroup]:
    """What the setup's time zone select offers: the setter's own zone first, then the
    partnership's current one (when editing), then common zones by region, each region west
    to east as it is ``now``; at most MAX_OPTIONS in all, each zone once."""
    seen: set[str] = set()
    groups: list[ZoneGroup] = []

    def take(label: str, zones: list[str]) -> None:
        fresh = [z for z in dict.fromkeys(zones) if z not in seen and _exists(z)]
        room = MAX_OPTIONS - len(seen)
        fresh = fresh[: max(room, 0)]
        if fresh:
            seen.update(fresh)
            groups.append(ZoneGroup(label, [choice(z, now) for z in fresh]))

    take("Your time zone", [own] if own else [])
    take("Set now", [current] if current else [])
    for region, zones in COMMON.items():
        by_offset = sorted(zones, key=lambda z: _minutes(z, now))
        take(region, by_offset)
    return groups
