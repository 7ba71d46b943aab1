"""Slack incoming webhooks: POST a JSON payload, retrying what may pass.

A webhook URL is a secret (anyone holding it can post), so errors and logs name only
its host.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from frontdoor.integrations.outbound.base import DeliveryError, backoff_delay

log = logging.getLogger(__name__)

__all__ = ["MAX_TEXT", "post_slack", "slack_payload"]

# Slack truncates a message's text at 40,000 characters and a section block at 3,000.
MAX_TEXT = 3000


def slack_payload(text: str, blocks: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An incoming-webhook payload: ``text`` is the fallback shown in notifications.

    Parameters
    ----------
    text : str
        Plain fallback text (cut to :data:`MAX_TEXT` characters).
    blocks : sequence of dict, optional
        Block Kit blocks; without them Slack shows ``text``.

    Returns
    -------
    dict
        ``{"text": ..., "blocks": [...]}`` (``blocks`` only when given).
    """
    payload: dict[str, Any] = {"text": text[:MAX_TEXT]}
    if blocks:
        payload["blocks"] = list(blocks)
    return payload


def _where(url: str) -> str:
    return urlsplit(url).hostname or "the webhook"


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def post_slack(
    url: str,
    payload: dict[str, Any],
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    max_wait: float = 30.0,
    timeout: float = 10.0,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST ``payload`` to a Slack incoming webhook.

    Parameters
    ----------
    url : str
        The webhook URL (http or https).
    payload : dict
        The JSON body, e.g. from :func:`slack_payload`.
    attempts : int
        Tries in all (at least 1).
    backoff : float
        Seconds before the second try; doubled for each further one.
    max_wait : float
        Longest wait between tries. A ``Retry-After`` longer than this ends the tries at
        once with a transient :class:`DeliveryError` carrying ``retry_after``, so a task
        queue can come back later instead of holding a worker.
    timeout : float
        Seconds per request.
    client : httpx.Client, optional
        A client to reuse (its settings apply); one is made per call otherwise.
    sleep : callable
        Waits between tries (``time.sleep``).

    Raises
    ------
    DeliveryError
        After the last try, or at once on a 4xx other than 429 (``transient`` False).
    """
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("Slack webhook URL must start with https://", transient=False)
    where = _where(url)
    own = client is None
    http = client if client is not None else httpx.Client(timeout=timeout)
    try:
        for attempt in range(1, max(1, attempts) + 1):
            retry_after: float | None = None
            try:
                response = http.post(url, json=payload, timeout=timeout)
            except httpx.HTTPError as exc:
                reason = f"Slack webhook at {where} unreachable: {type(exc).__name__}"
            else:
                if response.is_success:
                    return
                body = response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
                reason = f"Slack webhook at {where} answered {response.status_code} {body}".strip()
                if response.status_code == 429:
                    retry_after = _retry_after(response)
                elif response.status_code < 500:
                    raise DeliveryError(reason, transient=False)
            if attempt >= attempts:
                raise DeliveryError(reason, transient=True, retry_after=retry_after)
            wait = (
                retry_after if retry_after is not None else backoff_delay(attempt, base=backoff, cap=max_wait)
            )
            if wait > max_wait:
                raise DeliveryError(f"{reason} (retry after {wait:.0f} s)", transient=True, retry_after=wait)
            log.info("%s; try %d of %d in %.1f s", reason, attempt + 1, attempts, wait)
            sleep(wait)
    finally:
        if own:
            http.close()
    raise AssertionError("unreachable")
