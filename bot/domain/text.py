"""Cleaning what people type before it is stored: no invisible format characters.

Zero-width spaces, bidi overrides and other Unicode format characters (category Cf) make
look-alikes ("Cloud\u200bBackup" beside "Cloud Backup") and reversed text; names, headlines,
titles and product lines are stored without them. The zero-width joiner stays inside emoji
sequences (a family emoji is one picture), nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

ZWJ = "\u200d"
_SPACES = re.compile(r"\s+")


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f"


def strip_format_characters(text: str) -> str:
    """``text`` without Unicode format characters (a ZWJ between two emoji stays)."""
    if text.isascii():
        return text  # ASCII has no format characters
    out: list[str] = []
    for i, char in enumerate(text):
        if unicodedata.category(char) != "Cf" or (
            char == ZWJ
            and out
            and _is_symbol(out[-1])
            and i + 1 < len(text)
            and _is_symbol(text[i + 1])
        ):
            out.append(char)
    return "".join(out)


def clean_line(text: str | None) -> str:
    """A one-line value (name, headline, title, product line): no format characters, no
    line breaks, single spaces, trimmed."""
    return _SPACES.sub(" ", strip_format_characters(text or "")).strip()


def clean_text(text: str | None) -> str:
    """A free text (a story, a note, a rule): no format characters, trimmed; lines kept."""
    return strip_format_characters(text or "").strip()


def match_key(text: str) -> str:
    """The form two names are compared in: look-alikes and case don't make a new one."""
    return clean_line(unicodedata.normalize("NFKC", text)).casefold()


def count(n: int, thing: str, things: str | None = None) -> str:
    """ "1 proposal", "2 proposals", "0 proposals" (``things`` when the plural isn't +s)."""
    return f"{n} {thing if n == 1 else (things or thing + 's')}"


def day(value: date) -> str:
    """A date as people read it, the one style everywhere: "Fri 4 Dec 2026"."""
    return f"{value:%a} {value.day} {value:%b %Y}"


_FIXED_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Universal", "Zulu"})


def zone_name(tz: str) -> str:
    """A time zone as people say it: "New York time", "Berlin time", "UTC" (never the IANA
    name "America/New_York")."""
    if tz in _UTC_NAMES:
        return "UTC"
    fixed = _FIXED_OFFSET.fullmatch(tz)
    if fixed:  # POSIX signs: Etc/GMT+5 is five hours behind UTC
        return f"UTC{'-' if fixed.group(1) == '+' else '+'}{fixed.group(2)}"
    if "/" not in tz or tz.startswith("Etc/"):
        return tz.removeprefix("Etc/").replace("_", " ")
    return tz.rsplit("/", 1)[-1].replace("_", " ") + " time"


def moment(when: datetime, tz: str) -> str:
    """A moment in a reader's time zone, the one style everywhere:
    "Tue 1 Dec 2026, 10:00 New York time"."""
    local = when.astimezone(ZoneInfo(tz))
    return f"{day(local.date())}, {local:%H:%M} {zone_name(tz)}"


def moment_for(when: datetime, tz: str, reader_tz: str) -> str:
    """A moment set in one time zone (a partnership's), told to a reader who may live in
    another: "Mon 7 Dec 2026, 10:00 New York time (16:00 Berlin time for you)". When the
    reader's clock shows the same, it is said once."""
    there = when.astimezone(ZoneInfo(tz))
    here = when.astimezone(ZoneInfo(reader_tz))
    said = moment(when, tz)
    if here.replace(tzinfo=None) == there.replace(tzinfo=None):
        return said
    clock = f"{here:%H:%M} {zone_name(reader_tz)}"
    if here.date() != there.date():
        clock = f"{here:%a} {here.day} {here:%b}, {clock}"
    return f"{said} ({clock} for you)"
