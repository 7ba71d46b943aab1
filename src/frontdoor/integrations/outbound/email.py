"""Email over SMTP: multipart text + HTML, UTF-8 throughout (Korean subjects included).

The server comes from the process settings ``FRONTDOOR_SMTP_URL`` and
``FRONTDOOR_MAIL_FROM`` (see :meth:`SmtpConfig.from_settings`)::

    smtp://user:password@mail.example.com:587     STARTTLS when the server offers it
    smtp+starttls://user:password@host:587         STARTTLS required
    smtps://user:password@host:465                 TLS from the first byte

User name and password are percent-decoded. Without ``FRONTDOOR_SMTP_URL`` email is off.
"""

from __future__ import annotations

import email.policy
import hashlib
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from frontdoor.core.errors import ConfigError
from frontdoor.integrations.outbound.base import DeliveryError, backoff_delay

if TYPE_CHECKING:
    from frontdoor.core.config import Settings

log = logging.getLogger(__name__)

__all__ = ["SmtpConfig", "build_message", "email_payload", "message_id_for", "send_email"]

Security = Literal["auto", "starttls", "ssl"]
_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("auto", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("ssl", 465),
}
# CPython's header folder drops the space between an ASCII word and a Korean one when it
# splits a subject into several encoded words; a subject of at most 200 characters (600
# bytes of UTF-8, 800 of base64) fits one line of the 998 RFC 5322 allows, so it is never split.
MAX_SUBJECT = 200
_POLICY = email.policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send email.

    Parameters
    ----------
    host, port : str, int
        The SMTP server.
    sender : str
        The From address (``Name <addr>`` or a bare address).
    username, password : str or None
        Login, when the server wants one.
    security : {"auto", "starttls", "ssl"}
        ``auto``: STARTTLS when offered; ``starttls``: required; ``ssl``: implicit TLS.
    timeout : float
        Seconds per network operation.
    """

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    security: Security = "auto"
    timeout: float = 15.0

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return (
            f"SmtpConfig(host={self.host!r}, port={self.port}, sender={self.sender!r}, "
            f"username={self.username!r}, security={self.security!r})"
        )

    @classmethod
    def from_url(cls, url: str, *, sender: str) -> SmtpConfig:
        """Parse ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URLs.

        Raises
        ------
        ConfigError
            When the scheme or port is not usable.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES or not parts.hostname:
            raise ConfigError(
                "FRONTDOOR_SMTP_URL must look like smtp://user:pass@host:port (or smtp+starttls://, smtps://)"
            )
        security, default_port = _SCHEMES[scheme]
        try:
            port = parts.port or default_port
        except ValueError:
            raise ConfigError("FRONTDOOR_SMTP_URL has a port that is not a number 1..65535") from None
        return cls(
            host=parts.hostname,
            port=port,
            sender=sender,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            security=security,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The configured server, or ``None`` when ``FRONTDOOR_SMTP_URL`` is unset."""
        if not settings.smtp_url:
            return None
        return cls.from_url(settings.smtp_url, sender=settings.mail_from)


def message_id_for(key: str, *, domain: str = "frontdoor.invalid") -> str:
    """A stable Message-ID for a delivery key, so a repeated send can be recognised."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def email_payload(*, subject: str, text: str, html: str | None = None) -> dict[str, Any]:
    """The ``payload`` of an email notification for :func:`~frontdoor.notifications.send.send_once`."""
    payload: dict[str, Any] = {"subject": subject, "text": text}
    if html is not None:
        payload["html"] = html
    return payload


def _recipients(to: str | Sequence[str]) -> list[str]:
    items = to.split(",") if isinstance(to, str) else list(to)
    found = [item.strip() for item in items if item.strip()]
    for item in found:
        if "@" not in item or any(c in item for c in "\r\n<>"):
            raise DeliveryError(f"not an email address: {item[:100]!r}", transient=False)
    if not found:
        raise DeliveryError("no email recipient given", transient=False)
    return found


def build_message(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A UTF-8 message: plain text, plus an HTML alternative when given.

    Parameters
    ----------
    sender : str
        From.
    to : str or sequence of str
        Recipients (a comma-separated string or a list).
    subject : str
        Subject; line breaks are folded into spaces, cut at 200 characters.
    text : str
        The plain-text body.
    html : str, optional
        The HTML body (escape customer text before putting it here).
    message_id : str, optional
        ``<id@domain>``; a fresh one when not given.

    Returns
    -------
    email.message.EmailMessage
    """
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = sender
    msg["To"] = ", ".join(_recipients(to))
    msg["Subject"] = " ".join(subject.split())[:MAX_SUBJECT]
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain="frontdoor.invalid")
    msg.set_content(text, charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def _transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Disconnects, refused connections, timeouts, TLS hiccups.
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _send(config: SmtpConfig, msg: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with smtp:
        smtp.ehlo()
        if config.security == "starttls" or (config.security == "auto" and smtp.has_extn("starttls")):
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.username:
            smtp.login(config.username, config.password or "")
        smtp.send_message(msg)


def send_email(
    config: SmtpConfig,
    *,
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    attempts: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Send one message, retrying what may pass.

    Parameters
    ----------
    config : SmtpConfig
        The server.
    to, subject, text, html, message_id
        As for :func:`build_message`.
    attempts : int
        Tries in all.
    backoff : float
        Seconds before the second try; doubled for each further one (at most 60).
    sleep : callable
        Waits between tries.

    Returns
    -------
    str
        The Message-ID sent.

    Raises
    ------
    DeliveryError
        After the last try (``transient``: network trouble or a 4xx reply), or at once on a
        permanent refusal (5xx, bad login, bad address).
    """
    msg = build_message(
        sender=config.sender, to=to, subject=subject, text=text, html=html, message_id=message_id
    )
    for attempt in range(1, max(1, attempts) + 1):
        try:
            _send(config, msg)
            return str(msg["Message-ID"])
        except (smtplib.SMTPException, OSError) as exc:
            transient = _transient(exc)
            detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            reason = f"SMTP {config.host}:{config.port}: {type(exc).__name__} {detail}".strip()
            if not transient or attempt >= attempts:
                raise DeliveryError(reason, transient=transient) from None
            wait = backoff_delay(attempt, base=backoff, cap=60.0)
            log.info("%s; try %d of %d in %.1f s", reason, attempt + 1, attempts, wait)
            sleep(wait)
    raise AssertionError("unreachable")
