"""A form's fields are named once, in bot/domain/fields.py: the domain reports errors by
them and handlers/ids.py names the modals' input blocks by them, so an error always lands
under its field (a mismatch would turn a field error into a general message)."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

from bot.domain import fields
from handlers.ids import Block

DOMAIN = Path(__file__).resolve().parents[1] / "bot" / "domain"
FORMS = [
    value
    for value in vars(fields).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
]


def test_every_field_of_every_form_is_an_input_block():
    assert len(FORMS) == 8
    blocks = {b.value for b in Block}
    missing = [f"{form.__name__}.{field.name}" for form in FORMS for field in form]
    missing = [
        m for m in missing if fields.__dict__[m.split(".")[0]][m.split(".")[1]] not in blocks
    ]
    assert missing == []


def test_the_domain_names_fields_only_through_the_declaration():
    """No error key or ``field=`` is a bare string: a typo can't reach a modal."""
    literal = []
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            key = None
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "errors"
            ):
                key = node.slice
            elif isinstance(node, ast.keyword) and node.arg == "field":
                key = node.value
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                literal.append(f"{path.relative_to(DOMAIN)}:{node.lineno} {key.value!r}")
    assert literal == []
