"""Who may do what, as the feature issues say, checked for every action and kind of person.

Each row is an action that changes something (a button, or the modal it opens, submitted);
each column a kind of person in the partnership's world:

- owner: U_TM, a relationship owner on the vendor side (and the one who set the objects up:
  the win's logger, the rule's proposer, the promise's maker);
- vendor member: U_VENDOR2, in the vendor's workspace but named nowhere on the partnership;
- partner contact: U_DANA, the partner's sales contact (the promise is owed to her);
- partner approver: U_PAT, the partner's operations contact, named the partner's approver;
- outsider: U_OUT, from a third organization.

Modal submissions are replayed as each person on a modal opened by someone who may open it,
and again as a hand-made payload (a view no button opened, carrying only the callback id and
the private_metadata naming the object): the service decides, not the button. Allowed: the
effect is stored and shown. Refused: the person reads why, and every table and the channel stay
as they were; an outsider's refusal never names the partnership.
"""

from __future__ import annotations

import pytest

from handlers.ids import Action as A
from handlers.ids import Callback
from tests.authorization import (
    commands,
    deal_funnel,
    deals,
    kpis_and_exit,
    partnerships,
    promises,
    reviews,
    rules,
    wins,
)
from tests.authorization.spec import ALLOWED, COUNTED_ONCE, CRAFTED, REFUSED, Action, crafted
from tests.authorization.world import (
    OUTSIDER,
    PARTNER_NAME,
    PEOPLE,
    SLACK_WRITES,
    Person,
    World,
)

Y, N, ONCE = ALLOWED, REFUSED, COUNTED_ONCE

# fmt: off
MATRIX: dict[str, tuple[str, str, str, str, str]] = {
    #                                                    owner member contact approver outsider
    # the partnership: its summary for both sides, its setup for its owners only
    "partnership: show the summary (button)":            (Y,    Y,     Y,      Y,       N),
    "partnership: Edit (button)":                        (Y,    N,     N,      N,       N),
    "partnership: edit the setup (modal)":               (Y,    N,     N,      N,       N),
    # wins: anyone on either side logs one; only its logger changes it, for 24 hours
    "wins: Log a win (button)":                          (Y,    Y,     Y,      Y,       N),
    "wins: log a win (modal)":                           (Y,    Y,     Y,      Y,       N),
    "wins: Edit from the win's menu":                    (Y,    N,     N,      N,       N),
    "wins: edit a win (modal)":                          (Y,    N,     N,      N,       N),
    "wins: Withdraw from the win's menu":                (Y,    N,     N,      N,       N),
    "wins: withdraw a win (modal)":                      (Y,    N,     N,      N,       N),
    "wins: Withdraw a win U_DANA logged":                (N,    N,     Y,      N,       N),
    "wins: Edit a win logged 25 h ago":                  (N,    N,     N,      N,       N),
    "wins: Withdraw a win logged 25 h ago":              (N,    N,     N,      N,       N),
    "wins: Post it now (after a failed celebration)":    (Y,    Y,     Y,      Y,       N),
    # an effect Slack refused: only the person whose change it was posts it again
    "effects: Post it now (a proposal Slack refused)":   (Y,    N,     N,      N,       N),
    # rules of engagement: U_PAT is the partner's named approver; the vendor names none
    "rules: Propose a rule (button)":                    (Y,    Y,     Y,      Y,       N),
    "rules: propose a rule (modal)":                     (Y,    Y,     Y,      Y,       N),
    "rules: Approve U_TM's proposal":                    (ONCE, Y,     N,      Y,       N),
    "rules: Approve U_PAT's proposal":                   (Y,    Y,     N,      ONCE,    N),
    "rules: Approve U_PAT's proposal, U_CAM named vendor approver":
                                                         (N,    N,     N,      ONCE,    N),
    "rules: Request changes (button)":                   (N,    Y,     N,      Y,       N),
    "rules: request changes (modal)":                    (N,    Y,     N,      Y,       N),
    "rules: Reject (button)":                            (N,    Y,     N,      Y,       N),
    "rules: reject (modal)":                             (N,    Y,     N,      Y,       N),
    "rules: Amend (button)":                             (Y,    N,     N,      N,       N),
    "rules: amend (modal)":                              (Y,    N,     N,      N,       N),
    "rules: Withdraw":                                   (Y,    N,     N,      N,       N),
    "rules: Replace from the rule's menu":               (Y,    Y,     Y,      Y,       N),
    "rules: Retire from the rule's menu":                (Y,    Y,     Y,      Y,       N),
    "rules: propose retiring a rule (modal)":            (Y,    Y,     Y,      Y,       N),
    "rules: Share the rulebook in the channel":          (Y,    Y,     Y,      Y,       N),
    # reviews: the prompt's buttons for anyone on either side; the cadence is the vendor's
    "reviews: Review held (button)":                     (Y,    Y,     Y,      Y,       N),
    "reviews: review held (modal)":                      (Y,    Y,     Y,      Y,       N),
    "reviews: Snooze a day":                             (Y,    Y,     Y,      Y,       N),
    "reviews: Skip this cycle":                          (Y,    Y,     Y,      Y,       N),
    "reviews: set the cadence (modal)":                  (Y,    Y,     N,      N,       N),
    "reviews: move the next review (modal)":             (Y,    Y,     N,      N,       N),
    # promises: made by the vendor side to a partner contact (U_TM's promise, owed to U_DANA)
    "promises: make a promise (modal)":                  (Y,    Y,     N,      N,       N),
    "promises: I made good (button)":                    (Y,    N,     N,      N,       N),
    "promises: I made good (modal)":                     (Y,    N,     N,      N,       N),
    "promises: I made good, promise made by U_VENDOR2 (button)":
                                                         (Y,    Y,     N,      N,       N),
    "promises: Snooze":                                  (Y,    N,     N,      N,       N),
    "promises: Snooze, promise made by U_VENDOR2":       (Y,    Y,     N,      N,       N),
    "promises: Renegotiate (button)":                    (Y,    N,     N,      N,       N),
    "promises: renegotiate (modal)":                     (Y,    N,     N,      N,       N),
    "promises: Confirm, it's made good":                 (N,    N,     Y,      Y,       N),
    "promises: Not yet (button)":                        (N,    N,     Y,      Y,       N),
    "promises: not yet (modal)":                         (N,    N,     Y,      Y,       N),
    "promises: Accept the new date":                     (N,    N,     Y,      Y,       N),
    "promises: Decline the new date":                    (N,    N,     Y,      Y,       N),
    "promises: Release":                                 (N,    N,     Y,      Y,       N),
    "promises: Acknowledge":                             (N,    N,     Y,      Y,       N),
    "promises: That's not what we agreed (button)":      (N,    N,     Y,      Y,       N),
    "promises: that's not what we agreed (modal)":       (N,    N,     Y,      Y,       N),
    # KPIs are the vendor side's; owners share them, end or resume the partnership
    "kpis: KPIs (button)":                               (Y,    Y,     N,      N,       N),
    "kpis: Share in channel (button)":                   (Y,    N,     N,      N,       N),
    "kpis: share in channel (modal)":                    (Y,    N,     N,      N,       N),
    "exit: end the partnership (modal)":                 (Y,    N,     N,      N,       N),
    "exit: end the partnership, each a workspace admin (modal)":
                                                         (Y,    Y,     N,      N,       N),
    # stepping back is the vendor side's (as /partner exit is): an owner may hand over to a
    # successor, who becomes an owner; an approver who isn't an owner just stops approving
    "exit: step back (modal)":                           (Y,    N,     N,      N,       N),
    "exit: step back naming a successor (modal)":        (Y,    N,     N,      N,       N),
    "exit: step back, U_VENDOR2 a vendor rule approver (modal)":
                                                         (Y,    Y,     N,      N,       N),
    "exit: step back naming a successor, U_VENDOR2 a vendor rule approver (modal)":
                                                         (Y,    N,     N,      N,       N),
    "exit: Resume the partnership (button)":             (Y,    N,     N,      N,       N),
    # slash commands, as sent when the person's own workspace has partnerbot installed too
    "/partner edit":                                     (Y,    N,     N,      N,       N),
    "/partner cadence":                                  (Y,    Y,     N,      N,       N),
    "/partner cadence pause":                            (Y,    Y,     N,      N,       N),
    "/partner cadence resume":                           (Y,    Y,     N,      N,       N),
    "/partner exit":                                     (Y,    Y,     N,      N,       N),
    "/partner kpis":                                     (Y,    Y,     N,      N,       N),
    "/partner export":                                   (Y,    Y,     N,      N,       N),
    "/roe (propose a rule)":                             (Y,    Y,     Y,      Y,       N),
    "/roe retire R-n":                                   (Y,    Y,     Y,      Y,       N),
    "/win":                                              (Y,    Y,     Y,      Y,       N),
    "/promise":                                          (Y,    Y,     N,      N,       N),
    # deal registration: either side registers; the vendor's deal approvers (the owners, and
    # those the setup names) decide; the partner answers the vendor's question
    "deals: Register a deal (button)":                   (Y,    Y,     Y,      Y,       N),
    "deals: register a deal (modal)":                    (Y,    Y,     Y,      Y,       N),
    "deals: Approve (button)":                           (Y,    N,     N,      N,       N),
    "deals: approve (modal)":                            (Y,    N,     N,      N,       N),
    "deals: Approve, U_VENDOR2 named deal approver":     (Y,    Y,     N,      N,       N),
    "deals: Reject (button)":                            (Y,    N,     N,      N,       N),
    "deals: reject (modal)":                             (Y,    N,     N,      N,       N),
    "deals: Ask for more (button)":                      (Y,    N,     N,      N,       N),
    "deals: ask for more (modal)":                       (Y,    N,     N,      N,       N),
    "deals: Answer (button)":                            (N,    N,     Y,      Y,       N),
    "deals: answer (modal)":                             (N,    N,     Y,      Y,       N),
    "/deal":                                             (Y,    Y,     Y,      Y,       N),
    # the shared funnel: the deal's partner rep and registrant (U_DANA), the partner's named
    # people (U_PAT), the owners and deal approvers (U_TM); not a vendor member named nowhere
    "deals: Update stage, amount, date (button)":        (Y,    N,     Y,      Y,       N),
    "deals: update stage, amount, date (modal)":         (Y,    N,     Y,      Y,       N),
    "deals: Mark won (button)":                          (Y,    N,     Y,      Y,       N),
    "deals: mark won, the /win modal (modal)":           (Y,    N,     Y,      Y,       N),
    "deals: Mark lost (button)":                         (Y,    N,     Y,      Y,       N),
    "deals: mark lost (modal)":                          (Y,    N,     Y,      Y,       N),
    "deals: Extend the protection":                      (Y,    N,     Y,      Y,       N),
}
# fmt: on

# Every modal's row again, its submission sent as a hand-made, validly signed payload (a view
# no button opened): the service decides, so the answers are the same.
MATRIX |= {
    name.replace("(modal)", CRAFTED): row for name, row in MATRIX.items() if "(modal)" in name
}

BY_HAND: list[Action] = [
    *partnerships.ACTIONS,
    *wins.ACTIONS,
    *rules.ACTIONS,
    *reviews.ACTIONS,
    *promises.ACTIONS,
    *kpis_and_exit.ACTIONS,
    *commands.ACTIONS,
    *deals.ACTIONS,
    *deal_funnel.ACTIONS,
]
ACTIONS: dict[str, Action] = {
    a.name: a for a in [*BY_HAND, *(crafted(a) for a in BY_HAND if "(modal)" in a.name)]
}

# Refusals that still tell an outsider the partner's name (and who made or is owed the
# promise): bot/domain/promises.py's require_maker_or_owner and require_owed_to check the side
# after naming them. Known, to be fixed there; a row that stops leaking fails until removed.
NAMES_THE_PARTNER: set[str] = set()

# Buttons that change nothing and show nothing beyond what the person may already see.
READ_ONLY = {
    A.ROE_RULEBOOK: "the rulebook in force, ephemeral (checks the side like Share does)",
    A.ROE_RULEBOOK_PAGE: "the rulebook's next page",
    A.HOME_REFRESH: "the person's own App Home",
    A.DEAL_HISTORY: "a deal's history, for either side (checks the side)",
    A.DEAL_FUNNEL: "the partnership's open registrations, for either side (checks the side)",
    A.DEAL_FUNNEL_PAGE: "the whole funnel's next page",
    A.OPEN_LINK: "a URL button (a permalink): the click is only acked",
}
# Ids defined in handlers/ids.py that no button or listener uses (/partner cadence opens it).
UNUSED = {A.REVIEW_CADENCE}

CASES = [
    pytest.param(ACTIONS[name], who, expected, id=f"{name} | {who}")
    for name, row in MATRIX.items()
    for who, expected in zip(PEOPLE, row, strict=True)
]


def test_every_action_has_a_row_and_every_row_an_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize(("action", "who", "expected"), CASES)
def test_authorization(world: World, action: Action, who: Person, expected: str) -> None:
    target = action.setup(world)
    before = world.stored()
    world.acting = True
    try:
        seen = action.act(world, target, who)
    finally:
        world.acting = False
    world.cases_done += 1
    told = seen.told()
    if expected == REFUSED:
        assert action.refusal(who) in told, f"{who} was told {told!r}"
        assert "went wrong" not in told
        if who is OUTSIDER:  # an outsider learns nothing of a partnership they are not in
            if action.name in NAMES_THE_PARTNER:
                assert PARTNER_NAME in told, f"fixed: take {action.name!r} off NAMES_THE_PARTNER"
            else:
                assert PARTNER_NAME not in told, f"the outsider learned the partner: {told!r}"
        writes = [c for c in seen.calls if c in SLACK_WRITES]
        assert writes == [], f"{who} was refused but Slack saw {writes}"
        assert world.stored() == before, "a refused action changed what is stored"
    elif expected == COUNTED_ONCE:
        assert "counts once" in told, told
        assert world.stored() == before
    else:
        assert "went wrong" not in told and "Only " not in told, f"{who} was told {told!r}"
        action.effect(world, target, who, seen)


def test_every_button_and_modal_is_in_the_matrix(world: World) -> None:
    """A new button or modal fails here until it has a row (or is listed as read-only)."""
    if world.cases_done < len(CASES):
        pytest.skip("only part of the matrix ran")
    registered = {str(a) for a in A} | {str(c) for c in Callback}
    missing = registered - world.exercised - set(READ_ONLY) - UNUSED
    assert not missing, f"not in the matrix: {sorted(missing)}"


def test_every_modal_is_submitted_by_hand_too(world: World) -> None:
    """Each view_submission callback has rows sending it as a hand-made payload."""
    if world.cases_done < len(CASES):
        pytest.skip("only part of the matrix ran")
    missing = {str(c) for c in Callback} - world.crafted
    assert not missing, f"never submitted by hand: {sorted(missing)}"
