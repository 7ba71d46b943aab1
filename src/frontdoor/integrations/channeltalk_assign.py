"""Assign a Channel Talk chat to a team through the Open API v5.

The request is ``PATCH {base}/user-chats/{userChatId}`` with the JSON body
``{"teamId": "<team id>"}`` and the credentials in ``x-access-key`` /
``x-access-secret``. Channel Talk's public reference documents this endpoint as the
UserChat update (body: a UserChat, whose fields include ``teamId``); it documents a
manager assignment (``assign-to/managers/{id}``) but no team-specific one, so the call
lives in this one function (:meth:`ChannelTalkTeamAssigner.assign_team`) and is easy to
change when Channel Talk confirms another shape.

Retries follow :class:`~frontdoor.integrations.channeltalk.ChannelTalkClient`: HTTP 429 and
5xx wait for ``x-ratelimit-reset`` or ``Retry-After`` (else exponential backoff) and try
again; 401/403 raise :class:`~frontdoor.core.errors.AuthenticationError`; other 4xx fail at once.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

from frontdoor.core.errors import AdapterError, AuthenticationError
from frontdoor.integrations.channeltalk import ChannelTalkClient

__all__ = ["AssignmentFailed", "ChannelTalkTeamAssigner"]

log = logging.getLogger(__name__)


class AssignmentFailed(AdapterError):
    """The team assignment failed; ``transient`` says whether a later try may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class ChannelTalkTeamAssigner(ChannelTalkClient):
    """A :class:`ChannelTalkClient` that can also set a chat's team.

    Parameters are those of :class:`~frontdoor.integrations.channeltalk.ChannelTalkClient`
    (``access_key``, ``access_secret``, ``base_url`` - tests point it at a local
    server - ``sleep``, ``max_retries``, ...).
    """

    def __enter__(self) -> ChannelTalkTeamAssigner:
        return self

    def assign_team(self, chat_id: str, team_id: str) -> dict[str, Any]:
        """Set the team of user chat ``chat_id`` to ``team_id``.

        Parameters
        ----------
        chat_id : str
            The UserChat id (the conversation's external id).
        team_id : str
            The Channel Talk team id configured for the frontdoor team.

        Returns
        -------
        dict
            The JSON answer (``{"userChat": {...}}``), or ``{}`` for an empty body.

        Raises
        ------
        AuthenticationError
            HTTP 401/403.
        AssignmentFailed
            Other HTTP errors (``transient`` for 429/5xx/network after the last retry).
        """
        path = f"/user-chats/{quote(chat_id, safe='')}"
        for attempt in range(self.max_retries + 1):
            self.requests += 1
            try:
                response = self._http.patch(path, json={"teamId": str(team_id)})
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise AssignmentFailed(
                        f"Channel Talk API PATCH {path}: {type(exc).__name__}", transient=True
                    ) from None
                self.sleep(self._bounded(2.0**attempt))
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt == self.max_retries:
                    raise AssignmentFailed(
                        f"Channel Talk API PATCH {path}: HTTP {status} after {attempt + 1} tries",
                        transient=True,
                    )
                wait = self.retry_wait(response, attempt)
                log.info("Channel Talk API HTTP %s on %s; waiting %.1f s", status, path, wait)
                self.sleep(wait)
                continue
            if status in (401, 403):
                raise AuthenticationError(f"Channel Talk rejected the access key/secret (HTTP {status})")
            if status >= 400:
                raise AssignmentFailed(f"Channel Talk API PATCH {path}: HTTP {status}", transient=False)
            if not response.content:
                return {}
            try:
                data = response.json()
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
        raise AssignmentFailed(
            f"Channel Talk API PATCH {path}: retries exhausted", transient=True
        )  # pragma: no cover
