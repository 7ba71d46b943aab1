"""Source adapters behind one narrow contract (:mod:`frontdoor.integrations.base`).

Each kind is registered here by module path; modules import only when used.
"""

from frontdoor.integrations.registry import register
from frontdoor.integrations.webhooks import register_webhook

# File and API adapters: kind -> "module:Class".
register("channeltalk", "frontdoor.integrations.channeltalk.export:ChannelTalkExport")
register("zendesk", "frontdoor.integrations.zendesk:ZendeskExport")
register("intercom", "frontdoor.integrations.intercom:IntercomExport")
register("slack", "frontdoor.integrations.slack.export:SlackExport")
register("mbox", "frontdoor.integrations.email.adapters:MboxAdapter")
register("eml", "frontdoor.integrations.email.adapters:EmlAdapter")
register("vtt", "frontdoor.integrations.transcripts.cues:VttAdapter")
register("srt", "frontdoor.integrations.transcripts.cues:SrtAdapter")
register("gong", "frontdoor.integrations.transcripts.gong:GongAdapter")
register("surveys", "frontdoor.integrations.surveys.adapter:SurveysAdapter")
register("csv", "frontdoor.integrations.tabular.adapters:CsvAdapter")
register("jsonl", "frontdoor.integrations.tabular.adapters:JsonlAdapter")

# Webhook handlers: kind -> "module:Class".
register_webhook("channeltalk", "frontdoor.integrations.channeltalk.webhook:ChannelTalkWebhook")
register_webhook("zendesk", "frontdoor.integrations.zendesk:ZendeskWebhook")
register_webhook("intercom", "frontdoor.integrations.intercom:IntercomWebhook")
register_webhook("slack", "frontdoor.integrations.slack.webhook:SlackWebhook")

__all__ = ["register", "register_webhook"]
