"""The README's pictures of the sandbox: ``python -m tests.sandbox.screenshots [docs/sandbox]``.

Starts ``partnerbot sandbox`` (with the demo partnership) in a temporary folder and takes the
main screens in headless Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from handlers.ids import Block as B
from tests.sandbox.browser import CHROMIUM, CHROMIUM_ARGS, Sandbox, SlackPage

ROOT = Path(__file__).resolve().parents[2]


def card_shot(slack: SlackPage, card: object, path: Path) -> None:
    """The whole summary card as its reader sees it, in a page tall enough to hold it."""
    size = slack.page.viewport_size
    slack.page.set_viewport_size({"width": 1280, "height": 1100})
    card.evaluate("card => card.scrollIntoView({block: 'end'})")  # type: ignore[attr-defined]
    slack.page.wait_for_timeout(300)
    slack.shot(path)
    slack.page.set_viewport_size(size)


def deal_shots(slack: SlackPage, folder: Path) -> None:
    """Deal registration for each side: the vendor's approver deciding on a registration the
    conflict check flagged (the detail only they see), the partner's rep reading her approved
    deal's thread, and the whole funnel."""
    slack.be("U_TM")
    slack.go("acme-partners")
    card = slack.message("Deal registration D-3")
    card.evaluate("card => card.scrollIntoView({block: 'end'})")
    slack.click("Approve", within=card)
    slack.modal("Approve D-3")
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "deal-vendor.png")
    slack.close()
    slack.closed()

    slack.be("U_DANA")
    slack.go("acme-partners")
    slack.click_thread("Deal registration D-1")
    slack.sees("approved D-1", where="#thread-body")
    card = slack.message("Deal registration D-1")
    card.evaluate("card => card.scrollIntoView({block: 'end'})")
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "deal-partner.png")

    slack.page.locator("[data-close-thread]").first.click()
    prompt = slack.message("See the whole funnel")
    slack.click("See the whole funnel", within=prompt)
    slack.modal("Deal funnel")
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "funnel.png")
    slack.close()
    slack.closed()
    slack.be("U_TM")


def take(slack: SlackPage, folder: Path) -> None:
    slack.open("U_TM", "C0ACME")
    slack.message("Proposed rule: Leads shared within 48 hours")
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "channel.png")

    slack.click_thread("Proposed rule: Leads shared within 48 hours")
    slack.be("U_PAT")
    slack.click_thread("Proposed rule: Leads shared within 48 hours")
    slack.sees("Approve", where="#thread-body")
    slack.shot(folder / "thread.png")
    # approving puts the rule in force for both companies: Slack asks first
    slack.click("Approve", within=slack.page.locator("#thread-body"))
    slack.page.locator("#confirm-card").wait_for()
    slack.shot(folder / "rule-approve.png")
    slack.page.locator("#confirm-card [data-deny]").click()

    slack.be("U_DANA")
    slack.type("/win 10k Contoso")
    slack.message("is not a valid command")
    slack.click("Partnership summary", within=slack.message("linked this channel"))
    card = slack.message("What you can do here", only_me=True)
    card.evaluate("card => card.scrollIntoView({block: 'end'})")  # the click scrolled up
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "partner.png")
    card_shot(slack, card, folder / "summary-partner.png")

    # the promise made to Dana, as she reads it in her DM with partnerbot
    slack.go("Messages")
    card = slack.message("promises to make it up to you")
    card.evaluate("card => card.scrollIntoView({block: 'end'})")
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "promise-partner.png")
    slack.open("U_DANA", "C0ACME")

    slack.be("U_TM")
    slack.type("/partner")
    card = slack.message("At Acme Resellers (partner side)", only_me=True)
    card_shot(slack, card, folder / "summary-vendor.png")

    slack.type("/win 12.345k Tailspin upsell")
    slack.modal("Log a win")
    slack.fill(B.WIN_STORY, "Found by Dana at the *Berlin* roadshow.")
    slack.submit()
    slack.error_under(B.WIN_AMOUNT)
    slack.shot(folder / "modal-error.png")
    slack.close()
    slack.closed()

    slack.type("/partner kpis")
    slack.message("KPIs: Acme Resellers", only_me=True)
    slack.page.wait_for_timeout(300)
    slack.shot(folder / "kpis.png")

    deal_shots(slack, folder)

    slack.go("Home")
    # Published afresh on opening: the promise that fell due since the demo is overdue now.
    slack.page.locator("#messages .home").get_by_text("overdue in all").wait_for()
    slack.shot(folder / "home.png")


def main() -> int:
    from playwright.sync_api import sync_playwright

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "sandbox"
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        sandbox = Sandbox.start(Path(scratch))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            take(SlackPage(page, sandbox), folder)
        finally:
            browser.close()
            sandbox.stop()
    print(f"screenshots in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
