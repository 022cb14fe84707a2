"""What a row of the matrix is: an action with its set-up, how it is done, and its effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.authorization.world import Person, Seen, World

ALLOWED = "allowed"
REFUSED = "refused"
# The owner approving their own proposal: allowed, but their proposal already counted.
COUNTED_ONCE = "counted once"

# What an outsider reads from ``require_side``: it names no partnership (an outsider may hold
# any id, and must not learn who partners with whom from a refusal).
NOT_IN_PARTNERSHIP = "Only people from the two organizations in this partnership can do that."

# A modal's row again, its submission sent as a hand-made payload (see ``World.craft``).
CRAFTED = "(modal, hand-made payload)"


@dataclass(frozen=True)
class Action:
    """One thing a person can do that changes something.

    ``setup`` creates the object to act on (once per case); ``act`` does the action as a
    person, the way Slack delivers it; ``effect`` asserts what an allowed person got (in Slack
    and in the database); ``refusal`` is what a refused person reads.
    """

    name: str
    setup: Callable[[World], Any]
    act: Callable[[World, Any, Person], Seen]
    effect: Callable[[World, Any, Person, Seen], None]
    refusal: Callable[[Person], str]

    def __str__(self) -> str:
        return self.name


def says(default: str, **by_kind: str) -> Callable[[Person], str]:
    """The refusal text, by kind of person (``outsider=...``) or ``default``."""
    return lambda who: by_kind.get(who.kind.replace(" ", "_"), default)


def modal_opened(callback: str) -> Callable[[World, Any, Person, Seen], None]:
    """The effect of a button that opens a modal: the modal is open for the person."""

    def check(world: World, target: Any, who: Person, seen: Seen) -> None:
        seen.view(callback)

    return check


def crafted(action: Action) -> Action:
    """The same modal submission, sent by hand: no button opened the view it carries."""

    def act(world: World, target: Any, who: Person) -> Seen:
        world.crafting = True
        try:
            return action.act(world, target, who)
        finally:
            world.crafting = False

    return Action(
        action.name.replace("(modal)", CRAFTED),
        setup=action.setup,
        act=act,
        effect=action.effect,
        refusal=action.refusal,
    )
