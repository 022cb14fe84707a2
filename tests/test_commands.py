"""One router for the slash commands: help comes from it, so nothing routed goes unlisted."""

from __future__ import annotations

from handlers.commands import ROUTERS
from tests.bench.harness import block_texts, response_json


def test_help_lists_every_routed_subcommand(bench):
    body = response_json(bench.command("/partner", "help"))
    shown = block_texts(body["blocks"])
    for router in ROUTERS:
        for sub in router.subcommands:
            if sub.summary:
                assert f"`{sub.usage}`" in shown, sub.usage


def test_each_command_answers_help_and_refuses_what_it_does_not_know(bench):
    for router in ROUTERS:
        assert "partnerbot commands" in response_json(bench.command(router.command, "help"))["text"]
        refused = response_json(bench.command(router.command, "frobnicate"))["text"]
        if router.command == "/win":  # /win takes free text: a headline to pre-fill
            continue
        assert f"I don't know `{router.command} frobnicate`" in refused
        assert f"`{router.command}`" in refused


def test_every_out_of_date_id_gets_the_same_message():
    """Ids in buttons and forms are parsed in one place, with one message."""
    import pytest

    from bot.domain.errors import DomainError
    from handlers.subjects import OUT_OF_DATE, id_in, ids_in, optional_id

    for junk in ("", "abc", "-1", "0", "١٢", "99999999999999", None, "1.5", "12:"):
        with pytest.raises(DomainError) as refused:
            id_in(junk)
        assert refused.value.message == OUT_OF_DATE
        assert optional_id(junk) is None
    assert id_in("42") == 42 and ids_in("12:3", 2) == (12, 3)
    with pytest.raises(DomainError):
        ids_in("12", 2)
