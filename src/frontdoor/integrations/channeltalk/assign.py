"""Assign a Channel Talk chat to a team through the Open API v5.

The request is ``PATCH {base}/user-chats/{userChatId}`` with the JSON body
``{"teamId": "<team id>"}`` and the credentials in ``x-access-key`` /
``x-access-secret``. Channel Talk's public reference documents this endpoint as the
UserChat update (body: a UserChat, whose fields include ``teamId``); it documents a
manager assignment (``assign-to/managers/{id}``) but no team-specific one, so the call
lives in this one function (:meth:`ChannelTalkTeamAssigner.assign_team`) and is easy to
change when Channel Talk confirms another shape.

Retries are those of :meth:`~frontdoor.integrations.channeltalk.api.ChannelTalkClient.request`:
HTTP 429 and 5xx wait for ``x-ratelimit-reset`` or ``Retry-After`` (else exponential
backoff) and try again; 401/403 raise :class:`~frontdoor.core.errors.AuthenticationError`;
other 4xx fail at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from frontdoor.core.errors import AdapterError
from frontdoor.integrations.channeltalk.api import ChannelTalkClient

__all__ = ["AssignmentFailed", "ChannelTalkTeamAssigner"]


class AssignmentFailed(AdapterError):
    """The team assignment failed; ``transient`` says whether a later try may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class ChannelTalkTeamAssigner(ChannelTalkClient):
    """A :class:`ChannelTalkClient` that can also set a chat's team.

    Parameters are those of :class:`~frontdoor.integrations.channeltalk.api.ChannelTalkClient`
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
        response = self.request(
            "PATCH",
            path,
            json={"teamId": str(team_id)},
            error=lambda message, transient: AssignmentFailed(message, transient=transient),
        )
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
