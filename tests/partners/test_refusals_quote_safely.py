"""Refusals repeat what people typed (a partner's name, a subcommand) as text, never as a
mention or a link, while partnerbot's own mentions in them stay live."""

from __future__ import annotations

import json

from handlers.ids import Action
from handlers.ids import Block as B
from sandbox import requests as rq
from tests.bench.harness import OTHER, response_json
from tests.bench.hostile import live_markup
from tests.bench.scenarios import link_partnership

NAME = "<!channel> <@UEVIL1> <https://evil.example|Acme>"


def test_an_outsider_is_refused_with_the_partner_name_as_text(bench, fake_slack):
    partnership = link_partnership(bench, **{B.PARTNER_NAME: rq.text(NAME)})
    bench.click(Action.SHOW_SUMMARY, str(partnership.id), user="U_OUT", user_team=OTHER)
    told = json.dumps(fake_slack.responses[-1])
    assert "Only people from the two organizations in the" in told
    assert live_markup(fake_slack.responses[-1]) == []
    assert "&lt;@UEVIL1&gt;" in told


def test_a_typed_subcommand_is_echoed_as_text(bench):
    body = response_json(bench.command("/partner", "<!here>"))
    assert "I don't know `/partner &lt;!here&gt;`" in body["text"]
    assert live_markup(body) == []
