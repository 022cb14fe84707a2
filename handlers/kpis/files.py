"""Sending a file to someone's DM with Slack's upload API (files.getUploadURLExternal,
the upload itself, then files.completeUploadExternal, all done by ``files_upload_v2``)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def dm_channel(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def send_file(
    client: WebClient,
    user_id: str,
    *,
    filename: str,
    content: bytes,
    title: str,
    comment: str | None = None,
) -> str | None:
    """Upload ``content`` to the person's DM; returns Slack's error code when it failed."""
    try:
        client.files_upload_v2(
            channel=dm_channel(client, user_id),
            content=content,
            filename=filename,
            title=title,
            initial_comment=comment,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("upload of %s to %s failed: %s", filename, user_id, error)
        return error
    return None
