"""Text for Slack: people's text only ever reaches mrkdwn escaped.

Slack parses mrkdwn fields and a message's top-level ``text``: ``<!channel>`` pings everyone
in the channel (in a Slack Connect channel, both companies), ``<@U…>`` pings a person and
``<https://…|label>`` shows a disguised link. So every mrkdwn string partnerbot sends is a
``Mrkdwn``: a ``str`` made only here, by

- ``escape(text)`` for what a person typed (``&``, ``<`` and ``>`` become entities, format
  characters go),
- ``md(template, *args)`` for a sentence of our own: the template is partnerbot's literal
  text; every argument that is not already ``Mrkdwn`` is escaped, so a name or a headline
  dropped into it is shown as text,
- ``user()``, ``channel()``, ``link()``, ``date()`` for the mentions, links and dates the bot
  means to make.

The block builders in ``handlers.blocks`` accept only ``Mrkdwn`` and raise ``TypeError`` for
a plain ``str``, so a raw string can't reach a mrkdwn field by accident (and mypy says so
before any test runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from bot.domain.text import moment as local_moment
from bot.domain.text import strip_format_characters

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_USER_ID = re.compile(r"^[UW][A-Z0-9_]{1,40}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9_]{1,40}$")
_URL = re.compile(r"^https?://[^\s<>|]+$")
# In a text partnerbot wrote, the only markup kept: mentions of people and channels.
_OWN_TOKENS = re.compile(r"(<@[UW][A-Z0-9_]{1,40}>|<#[CG][A-Z0-9_]{1,40}>)")


class Mrkdwn(str):
    """A string safe to send as mrkdwn: escaped people's text plus the bot's own markup."""

    __slots__ = ()


def _units(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units: an emoji outside the BMP is two)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: object, limit: int | None = None) -> Mrkdwn:
    """A person's text made safe for mrkdwn, cut (never inside an entity) to ``limit``."""
    if isinstance(text, Mrkdwn):
        return cut(text, limit) if limit else text
    clean = strip_format_characters(str(text))
    whole = clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if limit is None or _units(whole) <= limit - 1:
        return Mrkdwn(whole)  # nothing to cut: the usual case
    out: list[str] = []
    size = 0
    for char in clean:
        piece = _ENTITIES.get(char, char)
        if limit is not None and size + _units(piece) > limit - 1:
            return Mrkdwn("".join(out) + "…")
        out.append(piece)
        size += _units(piece)
    return Mrkdwn("".join(out))


def md(template: str, *args: object) -> Mrkdwn:
    """Our own sentence with ``{}`` placeholders; arguments not already Mrkdwn are escaped."""
    return Mrkdwn(template.format(*(a if isinstance(a, Mrkdwn) else escape(a) for a in args)))


def join(separator: str, parts: Iterable[Mrkdwn]) -> Mrkdwn:
    """Mrkdwn pieces joined with one of our own separators."""
    items = list(parts)
    for part in items:
        _require(part)
    return Mrkdwn(separator.join(items))


def user(user_id: str | None) -> Mrkdwn:
    """A mention of a person we know by id (anything else is shown as text)."""
    if user_id and _USER_ID.match(user_id):
        return Mrkdwn(f"<@{user_id}>")
    return escape(user_id or "someone")


def users(user_ids: Iterable[str], empty: str = "—") -> Mrkdwn:
    ids = list(user_ids)
    return join(", ", (user(u) for u in ids)) if ids else Mrkdwn(empty)


def of_company(user_id: str | None, company: str) -> Mrkdwn:
    """A person beside their company, as both sides are shown: "@Terry (Globex)",
    "@Dana (Acme Resellers)" (``bot.domain.partners.names.Sides.name`` gives ``company``)."""
    return md("{} ({})", user(user_id), company)


def either(user_ids: Iterable[str], empty: str = "an owner") -> Mrkdwn:
    """People to ask, any one of them: "<@A>", "<@A> or <@B>", "<@A>, <@B> or <@C>"."""
    ids = [user(u) for u in user_ids]
    if not ids:
        return Mrkdwn(empty)
    if len(ids) == 1:
        return ids[0]
    return md("{} or {}", join(", ", ids[:-1]), ids[-1])


def channel(channel_id: str | None) -> Mrkdwn:
    """A link to a channel we know by id."""
    if channel_id and _CHANNEL_ID.match(channel_id):
        return Mrkdwn(f"<#{channel_id}>")
    return escape(channel_id or "the channel")


def link(url: str, label: object) -> Mrkdwn:
    """A link the bot means to make; a URL it can't vouch for is shown as text."""
    shown = escape(label, 500).replace("|", "¦")
    if _URL.match(url):
        return Mrkdwn(f"<{url}|{shown}>")
    return Mrkdwn(shown)


def date(moment: datetime, fallback: str, token: str = "{date_short_pretty} {time}") -> Mrkdwn:
    """A moment Slack shows in each reader's own time zone (``fallback`` where it can't)."""
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{token}|{escape(fallback)}>")


def when(moment: datetime, tz: str) -> Mrkdwn:
    """A moment in a message many people read (a post in the shared channel): Slack shows it
    in each reader's own time zone; where it can't, the fallback says it in ``tz`` (the
    partnership's), e.g. "Tue 1 Dec 2026, 10:00 New York time"."""
    return date(moment, local_moment(moment, tz))


def ours(text: str) -> Mrkdwn:
    """A sentence partnerbot wrote that may name people or channels (``<@U…>``, ``<#C…>``),
    such as a refusal from the domain: every other ``&``, ``<`` and ``>`` is escaped, so a
    name or title quoted in it can't ping anyone."""
    parts = _OWN_TOKENS.split(text)
    return Mrkdwn("".join(part if i % 2 else escape(part) for i, part in enumerate(parts)))


def cut(text: Mrkdwn, limit: int | None) -> Mrkdwn:
    """Shorten mrkdwn to ``limit`` units without breaking an entity or a ``<…>`` token."""
    _require(text)
    if limit is None or _units(text) <= limit:
        return text
    out: list[str] = []
    size = 0
    for token in re.findall(r"<[^>]*>|&[a-z]+;|.", text, flags=re.S):
        if size + _units(token) > limit - 1:
            break
        out.append(token)
        size += _units(token)
    return Mrkdwn("".join(out) + "…")


def plain(text: object, limit: int | None = None) -> str:
    """Text for a plain_text field (not parsed by Slack): format characters gone, cut."""
    clean = strip_format_characters(str(text))
    if limit is None or _units(clean) <= limit:
        return clean
    out: list[str] = []
    size = 0
    for char in clean:
        if size + _units(char) > limit - 1:
            break
        out.append(char)
        size += _units(char)
    return "".join(out) + "…"


def fit(text: object, limit: int) -> str:
    """A text input's initial value: format characters gone, at most ``limit`` units (a text
    input's ``max_length`` counts them as Slack does), cut without a mark: the person sees
    the value and can edit it."""
    clean = strip_format_characters(str(text))
    out: list[str] = []
    size = 0
    for char in clean:
        if size + _units(char) > limit:
            break
        out.append(char)
        size += _units(char)
    return "".join(out)


def _require(text: object) -> None:
    if not isinstance(text, Mrkdwn):
        raise TypeError(
            "mrkdwn must be built with handlers.text (escape, md, user, ...), "
            f"not a plain {type(text).__name__}: {str(text)[:60]!r}"
        )


def require(text: object) -> Mrkdwn:
    """``text`` if it is Mrkdwn; a TypeError otherwise (a raw string slipped through)."""
    _require(text)
    assert isinstance(text, Mrkdwn)
    return text
