"""The demo partnership's quarter, step by step: who does what on which day."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.ids import Action as A
from handlers.ids import Block as B
from handlers.ids import Callback as C
from sandbox.driver import Driver, DriverError

log = logging.getLogger("sandbox.demo")
SHARED = "C0ACME"
NEW_YORK = ZoneInfo("America/New_York")
DAYS = 88  # how far back the story starts: a little more than a quarter

Step = Callable[[], list[tuple[datetime, "Step"]]]
Ticker = Callable[[datetime], Any]

# (day of the story, who logs it, headline, amount or "" for a milestone, line, partner credits)
WINS = [
    (4, "U_TM", "Contoso renewal", "48k", "Cloud Backup", ["U_DANA"]),
    (11, "U_DANA", "Fabrikam first order", "22k", "Endpoint Security", ["U_DANA"]),
    (17, "U_CAM", "Northwind Traders expansion", "96k", "Managed Services", ["U_DANA", "U_PAT"]),
    (25, "U_TM", "Endpoint Security ramping", "", "Endpoint Security", ["U_PAT"]),
    (32, "U_DANA", "Tailspin Toys 3-year deal", "130k", "Cloud Backup", ["U_DANA"]),
    (38, "U_TM", "Wide World Importers", "18k", "Endpoint Security", ["U_EXEC"]),
    (46, "U_CAM", "Adventure Works upsell", "64k", "Managed Services", ["U_DANA"]),
    (53, "U_DANA", "Litware migration", "41k", "Cloud Backup", ["U_DANA", "U_EXEC"]),
    (60, "U_TM", "Proseware renewal", "27k", "Endpoint Security", ["U_PAT"]),
    (67, "U_CAM", "Woodgrove Bank pilot", "75k", "Managed Services", ["U_DANA"]),
    (74, "U_DANA", "Lucerne Publishing", "12k", "Cloud Backup", ["U_DANA"]),
    (81, "U_TM", "Coho Winery", "39k", "Endpoint Security", ["U_DANA"]),
]


# A deal the partner registers: the modal's fields (it closes so many days after the demo's
# today, whenever in the story it is registered).
Deal = dict[str, Any]
FABRIKAM: Deal = {
    B.DEAL_ACCOUNT: "Fabrikam, Inc.",
    B.DEAL_DOMAIN: "fabrikam.com",
    B.DEAL_OPPORTUNITY: "Endpoint Security for 400 seats",
    B.DEAL_AMOUNT: "85k",
    B.DEAL_CURRENCY: "USD",
    B.DEAL_NEW_PRODUCT_LINE: "Endpoint Security",
    B.DEAL_STAGE: "proposal",
    "close_in_days": 40,
    B.DEAL_NOTE: "Their IT director asked us for a quote after the Fabrikam first order.",
}
ALPINE: Deal = {
    B.DEAL_ACCOUNT: "Alpine Ski House",
    B.DEAL_DOMAIN: "alpineskihouse.com",
    B.DEAL_OPPORTUNITY: "Managed Services for 12 stores",
    B.DEAL_AMOUNT: "140k",
    B.DEAL_CURRENCY: "USD",
    B.DEAL_NEW_PRODUCT_LINE: "Managed Services",
    B.DEAL_STAGE: "discovery",
    "close_in_days": 75,
    B.DEAL_NOTE: "",
}
# The same customer again, from another of the partner's people: the conflict check flags it.
CONFLICTING: Deal = {
    B.DEAL_ACCOUNT: "Fabrikam",
    B.DEAL_DOMAIN: "",
    B.DEAL_OPPORTUNITY: "Cloud Backup for the branch offices",
    B.DEAL_AMOUNT: "36k",
    B.DEAL_CURRENCY: "USD",
    B.DEAL_NEW_PRODUCT_LINE: "Cloud Backup",
    B.DEAL_STAGE: "qualifying",
    "close_in_days": 60,
    B.DEAL_NOTE: "Their branch managers asked about backups at our roadshow.",
}
# (day of the story, who registers it, the deal)
DEALS = [(40, "U_DANA", FABRIKAM), (45, "U_DANA", ALPINE)]


class Story:
    """What happens in the demo partnership, each step at its moment (UTC)."""

    def __init__(self, driver: Driver, now: datetime) -> None:
        self.driver = driver
        self.now = now
        first = (now - timedelta(days=DAYS)).date()
        self.start = self.at(first, 9)
        self.handled: set[str] = set()
        self.failures = 0
        # The next review is due in a couple of business days; the cadence runs every two
        # weeks on that weekday, and started six reviews earlier.
        upcoming = now.astimezone(NEW_YORK).date() + timedelta(days=2)
        while upcoming.weekday() >= 5:
            upcoming += timedelta(days=1)
        self.review_day = upcoming
        self.cadence_start = upcoming - timedelta(weeks=12)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """``hour`` o'clock in New York (the partnership's zone) on ``day``, in UTC."""
        return datetime.combine(day, time(hour, minute), NEW_YORK).astimezone(UTC)

    def day(self, n: int, hour: int = 10) -> datetime:
        return self.at(self.start.astimezone(NEW_YORK).date() + timedelta(days=n), hour)

    def steps(self, tick: Ticker) -> Iterator[tuple[datetime, Step]]:
        yield self.day(0), self.link
        yield self.day(1), self.cadence
        yield self.day(2), self.partner_proposes_rule
        yield self.day(3, 11), self.tm_approves_rule
        for n, who, headline, amount, line, credits in WINS:
            yield self.day(n, 14), self._win(n, who, headline, amount, line, credits)
        for n, who, deal in DEALS:
            yield self.day(n, 11), self._register(who, deal)
        yield self.day(41, 9), self._approve("Fabrikam, Inc.")
        yield self.day(46, 9), self._approve("Alpine Ski House")
        yield self.day(70, 11), self.fabrikam_negotiation
        yield self.now - timedelta(days=1, hours=3), self._register("U_PAT", CONFLICTING)
        yield self.now - timedelta(days=12), self.promise
        yield self.now - timedelta(days=1), self.pending_rule
        for n in range(1, DAYS + 1):
            moment = self.day(n, 16)
            if moment < self.now:
                yield moment, self._tick(tick, moment)
        yield self.now - timedelta(minutes=5), self._tick(tick, self.now - timedelta(minutes=5))

    def run(self, step: Step) -> list[tuple[datetime, Step]]:
        """Do one step; a step that fails is logged and the story goes on."""
        try:
            return step()
        except (DriverError, OSError) as error:
            self.failures += 1
            log.warning("demo step %s failed: %s", getattr(step, "__name__", step), error)
            return []

    # -- the steps ---------------------------------------------------------------------------
    def link(self) -> list[tuple[datetime, Step]]:
        d = self.driver
        d.type("U_TM", SHARED, "/partner")
        d.submit(
            "U_TM",
            C.PARTNERSHIP_SETUP,
            {
                B.PARTNER_NAME: "Acme Resellers",
                B.OWNERS: ["U_TM", "U_CAM"],
                B.CONTACTS_EXECUTIVE: ["U_EXEC"],
                B.CONTACTS_SALES: ["U_DANA"],
                B.CONTACTS_OPERATIONS: ["U_PAT"],
                B.TIME_ZONE: "America/New_York",
                B.HOLIDAY_COUNTRY: "US",
            },
        )
        d.find("U_TM", SHARED, A.SHOW_SUMMARY)
        return []

    def cadence(self) -> list[tuple[datetime, Step]]:
        self.driver.type("U_TM", SHARED, "/partner cadence")
        self.driver.submit(
            "U_TM",
            C.REVIEW_CADENCE,
            {
                B.REVIEW_EVERY_WEEKS: "2",
                B.REVIEW_WEEKDAY: str(self.review_day.weekday()),
                B.REVIEW_AT: "10:00",
                B.REVIEW_STARTING_ON: self.cadence_start.isoformat(),
            },
        )
        return []

    def _partner_button(self, user: str, action: str) -> None:
        """A partner's way in: the summary card's buttons (they can't run our commands)."""
        d = self.driver
        d.click(user, SHARED, A.SHOW_SUMMARY)
        card, _ = d.find(user, SHARED, action)
        d.click(user, SHARED, action, ts=card["ts"])
        d.dismiss(user, SHARED, card["ts"])

    def partner_proposes_rule(self) -> list[tuple[datetime, Step]]:
        self._partner_button("U_DANA", A.ROE_PROPOSE)
        self.driver.submit(
            "U_DANA",
            C.ROE_PROPOSE,
            {
                B.RULE_TITLE: "Deal registration window",
                B.RULE_TEXT: "A deal the partner registers first is theirs for 90 days; we "
                "don't quote it directly meanwhile.",
                B.RULE_CATEGORY: "deal_registration",
                B.RULE_PROTECTION_DAYS: "90",
                B.RULE_DECISION_DAYS: "3",
                B.RULE_EXTENDABLE: "yes",
            },
        )
        return []

    def tm_approves_rule(self) -> list[tuple[datetime, Step]]:
        self.driver.click("U_TM", SHARED, A.ROE_APPROVE)
        return []

    def pending_rule(self) -> list[tuple[datetime, Step]]:
        self.driver.type("U_TM", SHARED, "/roe")
        self.driver.submit(
            "U_TM",
            C.ROE_PROPOSE,
            {
                B.RULE_TITLE: "Leads shared within 48 hours",
                B.RULE_TEXT: "Each side passes on a lead for the other's territory within two "
                "business days, with the contact and what was discussed.",
                B.RULE_CATEGORY: "lead_sharing",
            },
        )
        return []

    def _win(
        self, n: int, who: str, headline: str, amount: str, line: str, credits: list[str]
    ) -> Step:
        def win() -> list[tuple[datetime, Step]]:
            d = self.driver
            if who == "U_DANA":
                self._partner_button(who, A.LOG_WIN)
            else:
                d.type(who, SHARED, "/win")
            closed = self.day(n).astimezone(NEW_YORK).date() - timedelta(days=1)
            d.submit(
                who,
                C.WIN_LOG,
                {
                    B.WIN_HEADLINE: headline,
                    B.WIN_KIND: "deal" if amount else "milestone",
                    B.WIN_AMOUNT: amount,
                    B.WIN_CURRENCY: "USD" if amount else "",
                    B.WIN_NEW_PRODUCT_LINE: line,
                    B.WIN_CLOSED_ON: closed.isoformat(),
                    B.WIN_PARTNER_CREDITS: credits,
                    B.WIN_VENDOR_CREDITS: ["U_TM"] if who == "U_DANA" else [who],
                    B.WIN_STORY: f"{line}: closed together with Acme.",
                },
            )
            d.wait(lambda: headline in str(d.data(who, SHARED)["messages"]), headline)
            d.close(who)
            return []

        win.__name__ = f"win {headline}"
        return win

    def _register(self, who: str, deal: Deal) -> Step:
        """The partner's person registers a deal from the summary's button."""

        def register() -> list[tuple[datetime, Step]]:
            self._partner_button(who, A.DEAL_REGISTER)
            values = {k: v for k, v in deal.items() if k != "close_in_days"}
            closes = self.now.astimezone(NEW_YORK).date() + timedelta(days=deal["close_in_days"])
            values[B.DEAL_CLOSE_ON] = closes.isoformat()  # days after the demo's today
            self.driver.submit(who, C.DEAL_REGISTER, values)
            account = str(deal[B.DEAL_ACCOUNT])
            d = self.driver
            d.wait(lambda: account in str(d.data(who, SHARED)["messages"]), account)
            d.close(who)
            return []

        register.__name__ = f"register {deal[B.DEAL_ACCOUNT]}"
        return register

    def _approve(self, account: str) -> Step:
        """Terry approves it on its card, under the rule both sides agreed."""

        def approve() -> list[tuple[datetime, Step]]:
            self.driver.click("U_TM", SHARED, A.DEAL_APPROVE, text=account)
            self.driver.submit("U_TM", C.DEAL_APPROVE, {})
            return []

        approve.__name__ = f"approve {account}"
        return approve

    def fabrikam_negotiation(self) -> list[tuple[datetime, Step]]:
        """Dana keeps the funnel current: Fabrikam moves on to negotiation."""
        self.driver.click("U_DANA", SHARED, A.DEAL_UPDATE, text="Fabrikam, Inc.")
        self.driver.submit("U_DANA", C.DEAL_UPDATE, {B.DEAL_STAGE: "negotiation"})
        return []

    def promise(self) -> list[tuple[datetime, Step]]:
        due = (self.now - timedelta(days=4)).astimezone(NEW_YORK).date()
        self.driver.type("U_TM", SHARED, "/promise")
        self.driver.submit(
            "U_TM",
            C.PROMISE_MAKE,
            {
                B.PROMISE_OWED_TO: "U_DANA",
                B.PROMISE_RAW_DEAL: "Dana let our direct team take the Fabrikam renewal.",
                B.PROMISE_TEXT: "The next two inbound leads in Bavaria go to Acme.",
                B.PROMISE_DUE: due.isoformat(),
            },
        )
        return []

    def _tick(self, tick: Ticker, moment: datetime) -> Step:
        def scheduler() -> list[tuple[datetime, Step]]:
            tick(moment)
            follow_ups: list[tuple[datetime, Step]] = []
            for message in self.driver.data("U_TM", SHARED)["messages"]:
                if message["ts"] in self.handled or A.REVIEW_HELD not in str(message["blocks"]):
                    continue
                self.handled.add(message["ts"])
                nextday = moment + timedelta(hours=18)
                if nextday < self.now:
                    follow_ups.append((nextday, self._review(message["ts"], len(self.handled))))
            return follow_ups

        scheduler.__name__ = f"tick {moment:%Y-%m-%d}"
        return scheduler

    def _review(self, ts: str, n: int) -> Step:
        def review() -> list[tuple[datetime, Step]]:
            d = self.driver
            if n == 3:  # one cycle skipped, so adherence isn't perfect
                d.click("U_TM", SHARED, A.REVIEW_SKIP, ts=ts)
                return []
            d.click("U_TM", SHARED, A.REVIEW_HELD, ts=ts)
            d.submit(
                "U_TM",
                C.REVIEW_HELD,
                {
                    B.REVIEW_ATTENDEES: ["U_TM", "U_CAM", "U_DANA", "U_PAT"],
                    B.REVIEW_NOTES: "Walked the funnel: 9 open deals, 3 in commit.",
                    B.REVIEW_NEXT_STEPS: "Dana sends the Q-end forecast; Terry checks pricing.",
                },
            )
            return []

        review.__name__ = f"review {n}"
        return review
