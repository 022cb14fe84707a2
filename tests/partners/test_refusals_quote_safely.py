"""Refusals repeat what people typed (a partner's name, a subcommand) as text, never as a
mention or a link, while partnerbot's own mentions in them stay live."""

from __future__ import annotations

import json

from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from tests.bench.harness import OTHER, VENDOR, response_json
from tests.bench.hostile import live_markup
from tests.bench.scenarios import link_partnership

NAME = "<!channel> <@UEVIL1> <https://evil.example|Acme>"


def test_an_outsider_is_refused_without_the_partner_name(bench, fake_slack):
    partnership = link_partnership(bench, **{B.PARTNER_NAME: rq.text(NAME)})
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user="U_OUT", user_team=OTHER)
    told = json.dumps(fake_slack.responses[-1])
    assert "Only people from the two organizations in this partnership" in told
    assert "UEVIL1" not in told and "Acme" not in told  # nothing of a partnership not theirs
    assert live_markup(fake_slack.responses[-1]) == []


def test_a_refusal_naming_the_partner_quotes_it_as_text(bench, fake_slack):
    link_partnership(bench, **{B.PARTNER_NAME: rq.text(NAME)})
    fake_slack.add_user("U_VAL", VENDOR, "Val Vendor")
    bench.command("/partner", "exit", user="U_VAL")
    response = bench.submit({B.EXIT_CHOICE: rq.option("step_back")}, user="U_VAL")
    told = json.dumps(response_json(response))
    assert "no role in the partnership with" in told and "&lt;@UEVIL1&gt;" in told
    assert live_markup(response_json(response)) == []
    assert "<@U_TM>" in told  # partnerbot's own mention of the owners stays live


def test_a_typed_subcommand_is_echoed_as_text(bench):
    body = response_json(bench.command("/partner", "<!here>"))
    assert "I don't know `/partner &lt;!here&gt;`" in body["text"]
    assert live_markup(body) == []
