"""The registry of integrations: source ``kind`` -> adapter class, and -> webhook handler class.

Every adapter is imported here, explicitly: a reader (or a tool) sees at once which code
reads which kind. Importing them all costs about as much as importing one (they share
their dependencies; measured with ``python -X importtime``), so there is no lazy loading.
A new source is one module with its adapter (and webhook handler) plus a line here.
"""

from __future__ import annotations

from frontdoor.core.errors import ValidationError
from frontdoor.integrations.base import Adapter
from frontdoor.integrations.channeltalk.export import ChannelTalkExport
from frontdoor.integrations.channeltalk.webhook import ChannelTalkWebhook
from frontdoor.integrations.email.adapters import EmlAdapter, MboxAdapter
from frontdoor.integrations.intercom import IntercomExport, IntercomWebhook
from frontdoor.integrations.slack.export import SlackExport
from frontdoor.integrations.slack.webhook import SlackWebhook
from frontdoor.integrations.surveys.adapter import SurveysAdapter
from frontdoor.integrations.tabular.adapters import CsvAdapter, JsonlAdapter
from frontdoor.integrations.transcripts.cues import SrtAdapter, VttAdapter
from frontdoor.integrations.transcripts.gong import GongAdapter
from frontdoor.integrations.webhooks import WebhookHandler
from frontdoor.integrations.zendesk import ZendeskExport, ZendeskWebhook

__all__ = ["ADAPTERS", "WEBHOOK_HANDLERS", "get_adapter", "get_webhook_handler", "kinds"]

# File and API adapters: kind -> class.
ADAPTERS: dict[str, type[Adapter]] = {
    "channeltalk": ChannelTalkExport,
    "zendesk": ZendeskExport,
    "intercom": IntercomExport,
    "slack": SlackExport,
    "mbox": MboxAdapter,
    "eml": EmlAdapter,
    "vtt": VttAdapter,
    "srt": SrtAdapter,
    "gong": GongAdapter,
    "surveys": SurveysAdapter,
    "csv": CsvAdapter,
    "jsonl": JsonlAdapter,
}

# Webhook handlers: kind -> class.
WEBHOOK_HANDLERS: dict[str, type[WebhookHandler]] = {
    "channeltalk": ChannelTalkWebhook,
    "zendesk": ZendeskWebhook,
    "intercom": IntercomWebhook,
    "slack": SlackWebhook,
}


def kinds() -> list[str]:
    """Adapter kinds, sorted."""
    return sorted(ADAPTERS)


def get_adapter(kind: str) -> Adapter:
    """Instantiate the adapter registered as ``kind``.

    Raises
    ------
    ValidationError
        When no adapter has that kind.
    """
    cls = ADAPTERS.get(kind)
    if cls is None:
        raise ValidationError(f"unknown source kind {kind!r}; choose one of: {', '.join(kinds())}")
    return cls()


def get_webhook_handler(kind: str) -> WebhookHandler:
    """Instantiate the webhook handler for ``kind``.

    Raises
    ------
    ValidationError
        When the kind has no webhook handler.
    """
    cls = WEBHOOK_HANDLERS.get(kind)
    if cls is None:
        raise ValidationError(f"source kind {kind!r} takes no webhooks")
    return cls()
