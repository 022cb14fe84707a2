"""manifest.yml is what admins paste into Slack: it must validate and match the code."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Slack's app manifest schema, kept in the repository (MIT: fixtures/LICENSE.manifest-schema).
SCHEMA = Path(__file__).resolve().parent / "fixtures" / "manifest.schema.1.0.0.json"


def load_manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema():
    assert SCHEMA.exists(), f"Slack's manifest schema is expected at {SCHEMA}"
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(load_manifest(), schema)


def test_manifest_declares_the_commands_and_events_we_handle():
    manifest = load_manifest()
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {"/partner", "/win", "/roe", "/promise", "/deal"}
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {
        "channel_id_changed",
        "channel_shared",
        "channel_unshared",
        "app_uninstalled",
        "tokens_revoked",
    } <= events
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
