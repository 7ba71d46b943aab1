"""Email adapters: ``mbox`` files and ``.eml`` messages, threaded into conversations.

Korean mail needs care in three places, each handled here:

* Charsets. Python decodes ``ks_c_5601-1987`` (and ``euc-kr``) as EUC-KR, which has no
  code for CP949-only syllables such as 똠 or 햏; every Korean alias is decoded as CP949,
  a superset, in headers and bodies alike.
* Encoded-words. ``email.policy.default`` decodes each RFC 2047 word on its own and
  garbles a Korean character whose bytes are split across two words;
  :func:`email.header.decode_header` joins adjacent words of one charset first, so the
  parser runs with the ``compat32`` policy and headers are decoded by :func:`decode_mime_header`.
* Reply prefixes. Korean clients write ``회신:``, ``답장:`` and ``전달:`` where English ones
  write ``Re:`` and ``Fwd:``.

Threading follows Jamie Zawinski's algorithm (Message-ID, In-Reply-To, References).
Subject matching is only a fallback for threads no reference links: a reply
(``Re:``/``회신:`` ...) whose base subject matches an earlier thread is attached to it only
when the two share a participant, so two customers who both wrote "문의드립니다" stay apart.

Modules: :mod:`.headers` (charsets, encoded-words, reply prefixes), :mod:`.body` (quoted
text and HTML), :mod:`.message` (one RFC 5322 message), :mod:`.mbox` (reading mbox files),
:mod:`.threads` (JWZ threading and the subject fallback) and :mod:`.adapters` (the ``mbox``
and ``eml`` kinds).
"""
