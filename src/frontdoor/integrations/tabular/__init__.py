"""Generic CSV and JSONL adapters: conversations and messages from any export.

One row (CSV) or one JSON object per line (JSONL) is one message. Rows with the same
``conversation_id`` form a conversation; consecutive rows are grouped, and rows of one
conversation spread over the file are merged by the pipeline. JSONL lines may also hold
a whole conversation (an object with a ``messages`` list) or a survey answer
(``"type": "survey"``). See ``docs/ingest-csv.md`` for the full column reference.

Columns (canonical name first, then the aliases looked up when it is absent):

=================  =====================================================  ========
field              default column names                                   required
=================  =====================================================  ========
conversation_id    conversation_id, conversation, thread_id, ticket_id,   yes
                   chat_id
message_id         message_id, msg_id  (absent: ``<conversation>#<n>``)   no
created_at         created_at, sent_at, timestamp, time, date             yes
text               text, body, message, content                           yes
author_kind        author_kind, author_type, role, sender_type            no
author_name        author_name, author, sender, name                      no
email              email, author_email, customer_email                    no
member_id          member_id, user_id, customer_id                        no
contact_id         contact_id                                             no
company            company, account, account_name, organization           no
account_id         account_id, company_id                                 no
domain             domain, company_domain, website                        no
subject            subject, title                                         no
channel            channel                                                no
status             status, state                                          no
internal           internal, is_internal, private                         no
plan, segment      plan / segment                                         no
=================  =====================================================  ========

Options (``--option KEY=VALUE``): ``map.FIELD=COLUMN`` maps a field to your column
(``--map text=body`` is the short form), ``tz`` the zone of timestamps without an offset
(default ``UTC``), ``channel`` the default channel (``chat``), and for CSV ``encoding``
(default ``utf-8-sig``; ``cp949`` for Korean Excel exports) and ``delimiter`` (``,``;
``tab`` for TSV). Timestamps are ISO-8601 or epoch seconds or milliseconds.

Modules: :mod:`.fields` (the column reference, options, timestamps), :mod:`.rows`
(rows and JSON objects to records) and :mod:`.adapters` (the ``csv`` and ``jsonl`` kinds).
"""
