"""Source adapters behind one narrow contract (:mod:`frontdoor.adapters.base`).

Each kind is registered here by module path; modules import only when used.
"""

from frontdoor.adapters.registry import register
from frontdoor.adapters.webhooks import register_webhook

# File and API adapters: kind -> "module:Class".
register("channeltalk", "frontdoor.adapters.channeltalk:ChannelTalkExport")
register("zendesk", "frontdoor.adapters.zendesk:ZendeskExport")
register("intercom", "frontdoor.adapters.intercom:IntercomExport")
register("slack", "frontdoor.adapters.slack:SlackExport")
register("mbox", "frontdoor.adapters.email:MboxAdapter")
register("eml", "frontdoor.adapters.email:EmlAdapter")
register("vtt", "frontdoor.adapters.transcripts:VttAdapter")
register("srt", "frontdoor.adapters.transcripts:SrtAdapter")
register("gong", "frontdoor.adapters.transcripts:GongAdapter")
register("surveys", "frontdoor.adapters.surveys:SurveysAdapter")
register("csv", "frontdoor.adapters.tabular:CsvAdapter")
register("jsonl", "frontdoor.adapters.tabular:JsonlAdapter")

# Webhook handlers: kind -> "module:Class".
register_webhook("channeltalk", "frontdoor.adapters.channeltalk:ChannelTalkWebhook")
register_webhook("zendesk", "frontdoor.adapters.zendesk:ZendeskWebhook")
register_webhook("intercom", "frontdoor.adapters.intercom:IntercomWebhook")
register_webhook("slack", "frontdoor.adapters.slack:SlackWebhook")

__all__ = ["register", "register_webhook"]
