"""Routing: which team each inbound conversation goes to (pure parts; storage in services.routing).

* :mod:`frontdoor.routing.rules` - ordered rules over a conversation's facts (channel,
  language, account plan/segment/ARR, tags, keywords and a pattern in Korean or English
  text, decision maker); the first rule that matches wins.
* :mod:`frontdoor.integrations.channeltalk.assign` - assigning a Channel Talk chat to a team through
  the Open API.
"""
