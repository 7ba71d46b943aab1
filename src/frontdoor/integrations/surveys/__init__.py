"""Survey adapter: NPS, CSAT and CES answers from CSV, Delighted JSON or Typeform JSON.

Every score is stored with the scale it was given on (CES is 1-7 in CES 2.0 but 1-5 in
Delighted; CSAT is usually 1-5). A score outside its scale is quarantined with the reason
rather than clamped. The format is detected from the content: JSON that is a list of
responses with ``survey_type`` is Delighted, JSON with ``items`` is Typeform, anything
else is read as CSV (UTF-8 or, as Korean Excel saves it, CP949).

Modules: :mod:`.fields` (kinds, scales, scores, columns and options), :mod:`.json_formats`
(Delighted and Typeform responses) and :mod:`.adapter` (the ``surveys`` kind and its CSV rows).
"""
