"""Call transcript adapters: WebVTT, SubRip (SRT) and Gong JSON.

One call is one conversation; consecutive cues (or Gong monologues) of one speaker are
merged into one message whose ``sent_at`` is the call start plus the first cue's start.
A cue whose timing cannot be read is quarantined; the other cues still make the call.

Speakers come from WebVTT voice spans (``<v Name>``), from Zoom's ``Name: text`` cue
prefix (in VTT and SRT alike), or from Gong parties. Without a party affiliation, a
speaker named in the ``agents`` option is an agent and everyone else a customer.

Modules: :mod:`.calls` (utterances, speakers and the call record every format builds),
:mod:`.cues` (WebVTT and SRT, the ``vtt`` and ``srt`` kinds) and :mod:`.gong` (the
``gong`` kind).
"""
