"""partnerbot used through the sandbox's page in headless Chromium, as people use Slack."""

from __future__ import annotations

import re

import pytest

from handlers.ids import Block as B
from tests.sandbox.browser import SlackPage
from tests.sandbox.flows import link_partnership

pytestmark = pytest.mark.slow


def test_a_tm_links_the_channel_and_the_partner_cant_run_commands(slack: SlackPage) -> None:
    link_partnership(slack)
    notice = slack.message("linked this channel to the partnership between")
    assert "Acme Resellers" in notice.inner_text()
    assert "@Casey Chen" in notice.inner_text()  # mentions show as names

    slack.be("U_DANA")
    slack.type("/win 10k Contoso")
    refusal = slack.message("is not a valid command")
    assert "Only visible to you" in refusal.inner_text()
    assert "Slackbot" in refusal.inner_text()

    slack.click("Partnership summary", within=notice)
    card = slack.message("What you can do here", only_me=True)
    assert "Northwind Software" in card.inner_text() and "Edit setup" not in card.inner_text()
    assert "Only visible to you" in card.inner_text()
    slack.be("U_TM")  # an ephemeral card is only its reader's
    slack.message("linked this channel")
    assert slack.page.locator("#messages .msg.ephemeral").count() == 0


def test_a_field_error_shows_under_its_field(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.type("/win")
    slack.modal("Log a win")
    slack.fill(B.WIN_HEADLINE, "Contoso renewal")
    slack.fill(B.WIN_AMOUNT, "12.345k")
    slack.submit()
    error = slack.error_under(B.WIN_AMOUNT)
    assert error
    assert slack.field(B.WIN_HEADLINE).locator("input").input_value() == "Contoso renewal"
    assert slack.field(B.WIN_HEADLINE).locator(".i-error").is_hidden()


def test_a_win_is_logged_and_celebrated(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.type("/win 125k Contoso renewal")
    slack.modal("Log a win")
    assert slack.field(B.WIN_HEADLINE).locator("input").input_value() == "Contoso renewal"
    slack.fill(B.WIN_CURRENCY, "USD")
    slack.fill(B.WIN_NEW_PRODUCT_LINE, "Cloud Backup")
    slack.add(B.WIN_PARTNER_CREDITS, "U_DANA")
    slack.fill(B.WIN_STORY, "Dana found the renewal *early*; we matched the price.")
    slack.submit()
    slack.modal("Win saved").get_by_text("celebrated it in").wait_for()  # after "posting it…"
    slack.close()
    slack.closed()
    celebration = slack.message("Contoso renewal")
    text = celebration.inner_text()
    assert "@Dana Weber" in text and "125,000" in text
    assert "🎉" in celebration.locator(".reactions").inner_text()
    slack.go("sales-wins")  # the internal copy
    slack.message("Contoso renewal")


def test_a_rule_proposed_by_the_partner_is_approved_by_both_sides(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.be("U_DANA")  # a partner can't run /roe: the summary card has the button
    slack.click("Partnership summary", within=slack.message("linked this channel"))
    slack.click("Propose a rule", within=slack.message("What you can do here", only_me=True))
    slack.modal("Propose a rule")
    slack.fill(B.RULE_TITLE, "Deal registration window")
    slack.fill(B.RULE_TEXT, "A deal registered by the partner is theirs for 90 days.")
    slack.choose(B.RULE_CATEGORY, "Deal registration")
    slack.submit()
    slack.closed()
    slack.message("Deal registration window")

    slack.be("U_TM")
    slack.click_thread(proposal_text="Deal registration window")
    slack.click("Approve", within=slack.page.locator("#thread-body"))
    slack.confirm()  # approving puts it in force for both: the button asks first
    slack.sees("approved version 1", where="#thread-body")
    slack.message("R-1")  # agreed: numbered in the channel's status line


def test_a_promise_is_made_kept_and_confirmed_by_the_partner(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.type("/promise")
    slack.modal("Make a promise")
    slack.choose(B.PROMISE_OWED_TO, "Dana Weber (Acme Resellers)")
    slack.fill(B.PROMISE_RAW_DEAL, "You gave up the Fabrikam lead to our direct team.")
    slack.fill(B.PROMISE_TEXT, "The next two inbound leads in Bavaria go to you.")
    slack.submit()
    slack.closed()

    slack.go("Messages")  # the app's DM with Terry
    card = slack.message("The next two inbound leads")
    slack.click("I made good", within=card)
    slack.modal("I made good")
    slack.fill(B.PROMISE_NOTE, "Sent you Initech and Globex Bavaria.")
    slack.submit()
    slack.closed()

    slack.be("U_DANA")
    slack.go("Messages")
    slack.click("Confirm, it's made good", within=slack.message("Sent you Initech"))
    slack.sees("kept")


def test_app_home_shows_the_partnership(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.go("Home")
    home = slack.page.locator("#messages .home")
    home.get_by_text("Acme Resellers").first.wait_for(timeout=10_000)
    slack.click("Log a win", within=home)
    slack.modal("Log a win")


def test_the_clock_runs_the_scheduler_as_if_it_were_later(slack: SlackPage) -> None:
    link_partnership(slack)
    slack.type("/promise")
    slack.modal("Make a promise")
    slack.choose(B.PROMISE_OWED_TO, "Dana Weber (Acme Resellers)")
    slack.fill(B.PROMISE_RAW_DEAL, "You gave up the Fabrikam lead.")
    slack.fill(B.PROMISE_TEXT, "The next lead in Bavaria is yours.")
    slack.submit()  # due today, where Terry is
    slack.closed()
    slack.go("Messages")
    slack.message("Promise to Acme Resellers")

    slack.page.evaluate(  # three days on, in the browser's own time zone
        """days => { const at = new Date(Date.now() + days * 864e5);
        at.setMinutes(at.getMinutes() - at.getTimezoneOffset());
        document.getElementById("at").value = at.toISOString().slice(0, 16); }""",
        3,
    )
    slack.page.click("#scheduler button")
    slack.sees(re.compile(r"Scheduler run at .*: \d+ due, [1-9]\d* sent"), where="#log")
    slack.message("overdue")  # the reminder it sent, in Terry's DM with partnerbot
