"""Links from a roadmap item to its issue in an outside tracker (GitHub, Linear, Jira)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from frontdoor.core.errors import ValidationError

_GITHUB = re.compile(r"^/[\w.-]+/[\w.-]+/(issues|pull|discussions)/\d+/?$")
_LINEAR = re.compile(r"^/[\w-]+/issue/[A-Za-z][A-Za-z0-9]*-\d+(/[\w-]*)?/?$")
_JIRA = re.compile(r"^(/jira)?/browse/[A-Z][A-Z0-9_]+-\d+/?$")


@dataclass(frozen=True)
class ExternalLink:
    """A validated issue URL and the tracker it belongs to."""

    url: str
    provider: str  # "github", "linear" or "jira"


def parse_external_url(url: str) -> ExternalLink:
    """Check that ``url`` is an https issue link of GitHub, Linear or Jira.

    Accepted: ``https://github.com/<owner>/<repo>/issues/<n>`` (or ``pull``,
    ``discussions``), ``https://linear.app/<team>/issue/<KEY-n>[/slug]`` and
    ``https://<host>/browse/<KEY-n>`` (Jira Cloud on ``*.atlassian.net`` or self-hosted).

    Raises
    ------
    ValidationError
        Anything else (other schemes, hosts or paths, credentials in the URL).

    Examples
    --------
    >>> parse_external_url("https://linear.app/acme/issue/ENG-42/faster-export").provider
    'linear'
    """
    value = url.strip()
    if len(value) > 1000:
        raise ValidationError("external_url: at most 1000 characters")
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise ValidationError("external_url: must be an https:// issue link (GitHub, Linear or Jira)")
    if host in {"github.com", "www.github.com"} and _GITHUB.match(parts.path):
        return ExternalLink(value, "github")
    if host == "linear.app" and _LINEAR.match(parts.path):
        return ExternalLink(value, "linear")
    if _JIRA.match(parts.path):
        return ExternalLink(value, "jira")
    raise ValidationError(
        "external_url: not a GitHub (github.com/owner/repo/issues/N), Linear "
        "(linear.app/team/issue/KEY-N) or Jira (…/browse/KEY-N) issue link"
    )


def provider_of(url: str | None) -> str | None:
    """The tracker of a stored URL, or ``None`` when there is none or it is not one we know."""
    if not url:
        return None
    try:
        return parse_external_url(url).provider
    except ValidationError:
        return None
