"""An alert rendered in Korean or English and sent once to Slack and by email.

Delivery goes through :func:`frontdoor.notifications.send.send_once` (keys
``alert:<id>:slack`` and ``alert:<id>:email``), so an alert is sent at most once per channel.
"""

from __future__ import annotations

import html
from typing import Any

from frontdoor.alerts.settings import alert_settings
from frontdoor.core.errors import NotFound
from frontdoor.core.store import Store
from frontdoor.integrations.outbound.email import email_payload
from frontdoor.integrations.outbound.slack import slack_payload
from frontdoor.models import Alert, Tag, Workspace

_TEXT = {
    "ko": {
        "title": "급증 알림: {tag}",
        "numbers": "최근 {hours}시간 {observed}건 (평소 {expected:.1f}건, p={p})",
        "accounts": "영향 받은 고객사 {n}곳: {names}",
        "quotes": "고객의 말",
        "open": "frontdoor에서 보기",
    },
    "en": {
        "title": "Spike: {tag}",
        "numbers": "{observed} in the last {hours} h (usually {expected:.1f}, p={p})",
        "accounts": "{n} accounts affected: {names}",
        "quotes": "In the customers' words",
        "open": "Open in frontdoor",
    },
}


def _p(p: float) -> str:
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def _slack_escape(text: str) -> str:
    # Slack mrkdwn treats &, < and > as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_alert(alert: Alert, *, tag: Tag, language: str, base_url: str) -> dict[str, Any]:
    """Subject, plain text, HTML and Slack payload of an alert in ``language`` (ko or en)."""
    s = _TEXT["en" if language == "en" else "ko"]
    name = (tag.name_en if language == "en" else tag.name_ko) or tag.path
    label = f"{name} ({tag.path})" if name != tag.path else tag.path
    # The recorded start is aligned down to the hour: the window is the whole hours in it.
    hours = max(1, int((alert.window_end - alert.window_start).total_seconds() // 3600))
    numbers = s["numbers"].format(
        hours=hours, observed=alert.observed, expected=alert.expected, p=_p(alert.p_value)
    )
    names = ", ".join(a["name"] for a in alert.accounts[:5]) + (" …" if len(alert.accounts) > 5 else "")
    accounts = s["accounts"].format(n=len(alert.accounts), names=names) if alert.accounts else ""
    link = f"{base_url.rstrip('/')}/alerts#alert-{alert.id}"
    title = s["title"].format(tag=label)
    quotes = [f"“{e['quote']}”" for e in alert.examples]
    text_lines = [title, numbers]
    if accounts:
        text_lines.append(accounts)
    if quotes:
        text_lines += ["", s["quotes"] + ":", *(f"- {q}" for q in quotes)]
    text_lines += ["", f"{s['open']}: {link}"]
    text = "\n".join(text_lines)
    esc = html.escape
    html_body = (
        f"<h2>{esc(title)}</h2><p>{esc(numbers)}</p>"
        + (f"<p>{esc(accounts)}</p>" if accounts else "")
        + (
            f"<h3>{esc(s['quotes'])}</h3><ul>" + "".join(f"<li>{esc(q)}</li>" for q in quotes) + "</ul>"
            if quotes
            else ""
        )
        + f'<p><a href="{esc(link, quote=True)}">{esc(s["open"])}</a></p>'
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(numbers)}},
    ]
    if accounts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(accounts)[:3000]}})
    if quotes:
        body = "\n".join(f"> {_slack_escape(q)}" for q in quotes)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|{s['open']}>"}})
    return {
        "subject": f"[frontdoor] {title}",
        "text": text,
        "html": html_body,
        "slack": slack_payload(f"{title}: {numbers}", blocks=blocks),
    }


def deliver_alert(store: Store, *, alert_id: int) -> list[int]:
    """Send an alert to the workspace's Slack webhook and email recipients, once each.

    Returns
    -------
    list of int
        Ids of the notifications (new or existing) for the alert.
    """
    from frontdoor.notifications.send import send_once

    with store.session() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        workspace = session.get_one(Workspace, alert.workspace_id)
        tag = session.get_one(Tag, alert.tag_id)
        config = alert_settings(workspace)
        rendered = render_alert(
            alert, tag=tag, language=workspace.default_language, base_url=store.settings.base_url
        )
        workspace_id = workspace.id
    sent: list[int] = []
    if config.slack_webhook_url:
        sent.append(
            send_once(
                store,
                workspace_id=workspace_id,
                key=f"alert:{alert_id}:slack",
                channel="slack",
                target=config.slack_webhook_url,
                payload=rendered["slack"],
            ).id
        )
    if config.email:
        sent.append(
            send_once(
                store,
                workspace_id=workspace_id,
                key=f"alert:{alert_id}:email",
                channel="email",
                target=", ".join(config.email),
                payload=email_payload(
                    subject=rendered["subject"], text=rendered["text"], html=rendered["html"]
                ),
            ).id
        )
    return sent
