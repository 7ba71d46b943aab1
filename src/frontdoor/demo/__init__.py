"""The demo workspace's content: 그로우보드 Growboard, a Korean B2B SaaS.

Growboard sells design templates (상세페이지 템플릿, 배너, 쇼핑몰 스킨) and growth dashboards
(매출 대시보드, 광고 성과, 재구매율 분석) to small online shops on Smartstore, Cafe24, Coupang
and Shopify. :func:`frontdoor.demo.generator.generate` produces, without network or data
files, from one seeded random generator:

* 11 users (admin ``demo@frontdoor.local``, CX/CSM, product and three engineers with product
  areas, Korean names);
* a taxonomy of 157 tags in five dimensions (area, type, sentiment, goal, journey) with
  Korean and English names, descriptions, keywords, rule patterns and examples;
* 320 accounts (plans Free..Enterprise with ARR in KRW that follows the plan and seats,
  segments, owners, CSM/ADR/AM stage, domains) and 1-5 contacts each;
* about 5,500 conversations over 26 weeks on chat (Channel Talk), email, call transcripts
  and Slack shared channels, about 85% Korean, with tag assignments that match the text
  (confirmed by people on older ones, model suggestions on recent ones, some rules);
* NPS, CSAT and CES responses; 21 roadmap items linked to tags.

The story a demo can tell: weekday-heavy volume that grows over time; a three-day data
collection incident in week 19 (``area/dashboard/data-sync`` complaints spike); bigger,
older accounts talk about business goals with decision makers on the line; shipped roadmap
items visibly reduce the demand they answered.

Calendar: content is generated on a fixed 26-week reference window (Monday 2025-12-01 to
Sunday 2026-05-31, Korean time). :func:`frontdoor.demo.build.ensure_demo` moves that
window by whole weeks so it ends 1-7 days before the build date (at Monday 00:00 KST, at
least nine hours before the UTC build day began, so nothing lies in the future): timestamps
move, the text, ids, order and weekday pattern do not, so two builds hold identical content,
and builds on the same UTC day hold identical timestamps too.

Where things are: :mod:`.generator` (``generate``, with the ``gen_*`` parts and
:mod:`.content`; :mod:`.phrases`, :mod:`.names` and :mod:`.taxonomy` are its word lists),
:mod:`.build` (``ensure_demo``: the one-transaction build), :mod:`.write` (the rows into
the store), :mod:`.activity` (what the team did with them) and :mod:`.tour` (where to look).
"""
