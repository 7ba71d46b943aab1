"""The Channel Talk Open API v5: a small client that pages through chats and waits out rate limits."""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from frontdoor.core.errors import AdapterError, AuthenticationError, ValidationError
from frontdoor.integrations._common import bad_record, text_or_none
from frontdoor.integrations.base import Record
from frontdoor.integrations.channeltalk.mapping import by_id, chat_records

log = logging.getLogger(__name__)

API_BASE = "https://api.channel.io/open/v5"


@dataclass
class RateLimit:
    """The last ``x-ratelimit-*`` headers seen (None when absent)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        """Parse ``x-ratelimit-limit``, ``-remaining`` and ``-reset`` (epoch s; ms tolerated)."""

        def num(name: str) -> float | None:
            raw = headers.get(name)
            try:
                return float(raw) if raw is not None else None
            except ValueError:
                return None

        reset = num("x-ratelimit-reset")
        if reset is not None and reset > 1e11:  # epoch milliseconds, not seconds
            reset /= 1000.0
        limit, remaining = num("x-ratelimit-limit"), num("x-ratelimit-remaining")
        return cls(
            limit=int(limit) if limit is not None else None,
            remaining=int(remaining) if remaining is not None else None,
            reset=reset,
        )


@dataclass
class ChatPage:
    """One page of ``GET /user-chats`` with its side-loaded objects."""

    cursor: str | None
    next: str | None
    chats: list[Mapping[str, Any]]
    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    managers: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bots: dict[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class ChatMessages:
    """All messages of one chat with the people side-loaded alongside them."""

    messages: list[Mapping[str, Any]] = field(default_factory=list)
    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    managers: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bots: dict[str, Mapping[str, Any]] = field(default_factory=dict)


class ChannelTalkClient:
    """A small client for the Channel Talk Open API v5 that waits out rate limits.

    Parameters
    ----------
    access_key, access_secret : str
        The API credentials (sent as ``x-access-key`` / ``x-access-secret``; never logged).
    base_url : str
        API root; tests point it at a local server.
    transport : httpx.BaseTransport, optional
        Custom transport (e.g. for proxies).
    timeout : float
        Seconds per request.
    sleep, clock : callable
        Injection points for waiting and the epoch-seconds clock.
    max_wait : float
        Longest single wait for a rate limit or retry, in seconds.
    max_retries : int
        Retries of one request after 429, 5xx or a network error.
    page_limit : int
        ``limit`` for list requests (1-500).
    """

    def __init__(
        self,
        *,
        access_key: str,
        access_secret: str,
        base_url: str = API_BASE,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_wait: float = 120.0,
        max_retries: int = 5,
        page_limit: int = 100,
    ) -> None:
        if not access_key or not access_secret:
            raise ValidationError("Channel Talk needs an access key and secret")
        self.base_url = base_url.rstrip("/")
        self.sleep = sleep
        self.clock = clock
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.page_limit = max(1, min(500, page_limit))
        self.rate_limit = RateLimit()
        self.requests = 0
        self._users: dict[str, Mapping[str, Any] | None] = {}
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "x-access-key": access_key,
                "x-access-secret": access_secret,
                "accept": "application/json",
                "user-agent": "frontdoor",
            },
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ChannelTalkClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _bounded(self, seconds: float) -> float:
        return max(0.0, min(float(seconds), self.max_wait))

    def retry_wait(self, response: httpx.Response, attempt: int) -> float:
        """Seconds to wait before retrying ``response``: reset header, Retry-After, or backoff."""
        limits = RateLimit.from_headers(response.headers)
        if limits.reset is not None:
            return self._bounded(limits.reset - self.clock())
        retry_after = response.headers.get("retry-after")
        if retry_after:
            if retry_after.strip().isdigit():
                return self._bounded(float(retry_after.strip()))
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
                return self._bounded(when.timestamp() - self.clock())
            except (TypeError, ValueError):
                pass
        return self._bounded(2.0**attempt)

    def request(
        self,
        method: str,
        path: str,
        *,
        error: Callable[[str, bool], AdapterError] = lambda message, transient: AdapterError(message),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request, waiting out 429s and retrying 5xx and network errors; a 2xx response.

        Parameters
        ----------
        method, path : str
            The HTTP method and the path under :attr:`base_url`.
        error : callable
            Builds the exception for a failure from its message and whether a later try may
            succeed (429, 5xx, network); :class:`AdapterError` by default.
        **kwargs
            Passed to :meth:`httpx.Client.request` (``params``, ``json``).

        Raises
        ------
        AuthenticationError
            On HTTP 401/403 (bad key or secret).
        AdapterError
            What ``error`` builds: other HTTP errors, or when retries run out.
        """
        for attempt in range(self.max_retries + 1):
            self.requests += 1
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise error(f"Channel Talk API {method} {path}: {type(exc).__name__}", True) from None
                self.sleep(self._bounded(2.0**attempt))
                continue
            self.rate_limit = RateLimit.from_headers(response.headers)
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt == self.max_retries:
                    raise error(
                        f"Channel Talk API {method} {path}: HTTP {status} after {attempt + 1} tries", True
                    )
                wait = self.retry_wait(response, attempt)
                log.info("Channel Talk API HTTP %s on %s; waiting %.1f s", status, path, wait)
                self.sleep(wait)
                continue
            if status in (401, 403):
                raise AuthenticationError(f"Channel Talk rejected the access key/secret (HTTP {status})")
            if status >= 400:
                raise error(f"Channel Talk API {method} {path}: HTTP {status}", False)
            return response
        raise error(f"Channel Talk API {method} {path}: retries exhausted", True)  # pragma: no cover

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """GET ``path`` and return its JSON object, waiting out 429s and retrying 5xx.

        Raises
        ------
        AuthenticationError
            On HTTP 401/403 (bad key or secret).
        AdapterError
            On other HTTP errors, a non-JSON answer, or when retries run out.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        response = self.request("GET", path, params=params)
        try:
            data = response.json()
        except ValueError:
            raise AdapterError(f"Channel Talk API GET {path}: answer is not JSON") from None
        if not isinstance(data, dict):
            raise AdapterError(f"Channel Talk API GET {path}: answer is not a JSON object")
        # Out of budget: wait for the window to reset before the next call, not after a 429.
        limits = self.rate_limit
        if limits.remaining == 0 and limits.reset is not None:
            self.sleep(self._bounded(limits.reset - self.clock()))
        return data

    def user_chats(
        self, *, since: str | None = None, state: str | None = None, sort_order: str = "asc"
    ) -> Iterator[ChatPage]:
        """Pages of ``GET /user-chats``, following ``next`` (passed back as ``since``) until absent."""
        cursor = since
        while True:
            data = self.get(
                "/user-chats",
                {"sortOrder": sort_order, "limit": self.page_limit, "state": state, "since": cursor},  # type: ignore[dict-item]
            )
            chats = data.get("userChats", data.get("user_chats"))
            nxt = text_or_none(data.get("next"))
            yield ChatPage(
                cursor=cursor,
                next=nxt,
                chats=[c for c in chats if isinstance(c, Mapping)] if isinstance(chats, list) else [],
                users=by_id(data.get("users")),
                managers=by_id(data.get("managers")),
                bots=by_id(data.get("bots")),
            )
            if not nxt or nxt == cursor:
                return
            cursor = nxt

    def chat_messages(self, chat_id: str) -> ChatMessages:
        """All messages of one chat (oldest first) with the side-loaded people, every page followed."""
        result = ChatMessages()
        cursor: str | None = None
        while True:
            data = self.get(
                f"/user-chats/{quote(chat_id, safe='')}/messages",
                {"sortOrder": "asc", "limit": 500, "since": cursor},  # type: ignore[dict-item]
            )
            page = data.get("messages")
            if isinstance(page, list):
                result.messages.extend(m for m in page if isinstance(m, Mapping))
            result.users.update(by_id(data.get("users")))
            result.managers.update(by_id(data.get("managers")))
            result.bots.update(by_id(data.get("bots")))
            nxt = text_or_none(data.get("next"))
            if not nxt or nxt == cursor:
                break
            cursor = nxt
        return result

    def user(self, user_id: str) -> Mapping[str, Any] | None:
        """``GET /users/{id}`` (cached); None when Channel Talk does not know the user."""
        if user_id not in self._users:
            try:
                data = self.get(f"/users/{quote(user_id, safe='')}")
            except AdapterError as exc:
                if "HTTP 404" not in str(exc):
                    raise
                data = {}
            found = data.get("user")
            self._users[user_id] = found if isinstance(found, Mapping) else None
        return self._users[user_id]

    def records(
        self,
        *,
        since: str | None = None,
        state: str | None = None,
        company_key: str = "company",
        on_page: Callable[[str | None], None] | None = None,
    ) -> Iterator[Record]:
        """Records for every chat, messages fetched per chat.

        Every request names its ``state`` (clients in the wild disagree on whether the
        filter is optional). Without ``state``, opened and snoozed chats (the small live
        set, re-read whole so their changes arrive) come first, then closed chats from
        ``since``, the only resumable stream.

        Parameters
        ----------
        since : str, optional
            Opaque cursor to resume the closed (or the given ``state``'s) chats from.
        state : str, optional
            Only chats in this state (opened, closed, snoozed).
        company_key : str
            Profile key of the company name.
        on_page : callable, optional
            Called, for the resumable stream, with the cursor to resume from after each
            page's records were consumed: the page's ``next``, or for the last page the
            cursor that fetched it (re-read harmlessly next time: imports are idempotent).
        """
        plan = [(state, since)] if state else [("opened", None), ("snoozed", None), ("closed", since)]
        resumable = state or "closed"
        for chat_state, start in plan:
            for page in self.user_chats(since=start, state=chat_state):
                yield from self._page_records(page, company_key=company_key)
                if on_page is not None and chat_state == resumable:
                    on_page(page.next or page.cursor)

    def _page_records(self, page: ChatPage, *, company_key: str) -> Iterator[Record]:
        for chat in page.chats:
            chat_id = text_or_none(chat.get("id"))
            if chat_id is None:
                yield bad_record("api user-chats", chat, "chat has no id")
                continue
            detail = self.chat_messages(chat_id)
            users = {**page.users, **detail.users}
            user_id = text_or_none(chat.get("userId"))
            if user_id and user_id not in users:
                found = self.user(user_id)
                if found is not None:
                    users[user_id] = found
            yield from chat_records(
                chat,
                detail.messages,
                users=users,
                managers={**page.managers, **detail.managers},
                bots={**page.bots, **detail.bots},
                position=f"api user-chat {chat_id}",
                company_key=company_key,
            )
