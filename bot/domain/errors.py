"""Errors meant for people: the message is shown to the user as it is.

A message that repeats something a person typed (a partner's name, a rule number typed
wrong) keeps it apart: the message is a template with ``{}`` where ``quoting`` goes, so the
Slack side can escape what was typed and keep the mentions partnerbot wrote.
"""

from __future__ import annotations


class DomainError(Exception):
    """A user mistake or a refused action. ``field`` names the form field at fault, if any."""

    def __init__(
        self, message: str, field: str | None = None, *, quoting: tuple[object, ...] = ()
    ) -> None:
        self.template = message
        self.quoted = tuple(str(q) for q in quoting)
        self.message = message.format(*self.quoted) if self.quoted else message
        super().__init__(self.message)
        self.field = field


class NotAllowed(DomainError):
    """The person may not do this; nothing was changed."""


class NotFound(DomainError):
    """What the person pointed at does not exist (any more)."""


class Conflict(DomainError):
    """The request clashes with what is already there."""


class FormErrors(DomainError):
    """Several field errors at once, for a modal to show together."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def collect(errors: dict[str, str]) -> None:
    """Raise FormErrors if any field failed validation."""
    if errors:
        raise FormErrors(errors)
