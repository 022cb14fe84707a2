"""A form's fields are named once: every field the domain reports an error on is a block id
of handlers/ids.py, so a modal can show the error under its field (a mismatch would turn a
field error into a general message). Checked on the source, for every form at once."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers.ids import Block

DOMAIN = Path(__file__).resolve().parents[1] / "bot" / "domain"


def field_names() -> dict[str, set[str]]:
    """Field names the domain uses, by file: errors["..."] keys, field="..." arguments and
    module constants that name fields (F_*, *_FIELD, TITLE/TEXT/..., COMMENT)."""
    found: dict[str, set[str]] = {}
    for path in DOMAIN.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names: set[str] = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "errors"
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                names.add(node.slice.value)
            if (
                isinstance(node, ast.keyword)
                and node.arg == "field"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                names.add(node.value.value)
            if isinstance(node, ast.Assign) and node in tree.body:
                targets = [t for t in node.targets if isinstance(t, ast.Name | ast.Tuple)]
                for target in targets:
                    ids = [target] if isinstance(target, ast.Name) else list(target.elts)
                    values = ([node.value] if isinstance(node.value, ast.Constant) else []) or (
                        list(node.value.elts) if isinstance(node.value, ast.Tuple) else []
                    )
                    for name, value in zip(ids, values, strict=False):
                        label = getattr(name, "id", "")
                        if (
                            label.startswith("F_")
                            or label.endswith("_FIELD")
                            or label in {"TITLE", "TEXT", "CATEGORY", "REPLACES", "COMMENT"}
                        ) and isinstance(getattr(value, "value", None), str):
                            names.add(value.value)
        if names:
            found[str(path.relative_to(DOMAIN))] = names
    return found


def test_every_field_the_domain_names_is_a_block_id():
    blocks = {b.value for b in Block}
    fields = field_names()
    assert len(fields) >= 6, fields  # wins, rules, promises, reviews, partners, exit
    unknown = {where: sorted(n - blocks) for where, n in fields.items() if n - blocks}
    assert unknown == {}, f"field names with no block id in handlers/ids.py: {unknown}"
