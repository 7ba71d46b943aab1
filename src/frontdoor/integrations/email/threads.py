"""Threading mail into conversations: Jamie Zawinski's algorithm, then a careful subject fallback.

Message-ID, In-Reply-To and References link a thread. Subject matching is only a
fallback for threads no reference links: a reply (``Re:``/``회신:`` ...) whose base
subject matches an earlier thread is attached to it only when the two share a
participant, so two customers who both wrote "문의드립니다" stay apart.
"""

from __future__ import annotations

from frontdoor.integrations.email.headers import base_subject
from frontdoor.integrations.email.message import Mail


class _Container:
    __slots__ = ("children", "id", "mail", "parent")

    def __init__(self, cid: str) -> None:
        self.id = cid
        self.mail: Mail | None = None
        self.parent: _Container | None = None
        self.children: list[_Container] = []

    def is_ancestor_of(self, other: _Container) -> bool:
        node: _Container | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False

    def mails(self) -> list[Mail]:
        out: list[Mail] = []
        stack: list[_Container] = [self]
        while stack:
            node = stack.pop()
            if node.mail is not None:
                out.append(node.mail)
            stack.extend(node.children)
        return out


def _link(parent: _Container, child: _Container) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)


def _prune(children: list[_Container], parent: _Container | None) -> list[_Container]:
    out: list[_Container] = []
    for c in children:
        c.children = _prune(c.children, c)
        if c.mail is None and not c.children:
            continue
        if c.mail is None and (parent is not None or len(c.children) == 1):
            for ch in c.children:
                ch.parent = parent
            out.extend(c.children)
            continue
        out.append(c)
    return out


def thread(mails: list[Mail]) -> list[tuple[str, list[Mail], bool]]:
    """Group mails into threads: ``(thread id, mails by time, linked by subject?)``.

    Every mail must have a unique ``uid``. The thread id is the root's id: its
    Message-ID (also when that message itself is missing from the input but referenced),
    else its content hash.
    """
    table: dict[str, _Container] = {}

    def get(cid: str) -> _Container:
        node = table.get(cid)
        if node is None:
            node = table[cid] = _Container(cid)
        return node

    for mail in mails:
        node = get(mail.uid)
        node.mail = mail
        prev: _Container | None = None
        for ref in mail.references:
            ref_node = get(ref)
            if (
                prev is not None
                and ref_node.parent is None
                and ref_node is not prev
                and not ref_node.is_ancestor_of(prev)
            ):
                _link(prev, ref_node)
            prev = ref_node
        if prev is not None and prev is not node and not node.is_ancestor_of(prev):
            _link(prev, node)

    roots = _prune([n for n in table.values() if n.parent is None], None)
    for r in roots:
        r.parent = None

    # Subject fallback: only roots (threads no reference linked), only replies, only
    # when the two threads share a participant.
    def first_mail(node: _Container) -> Mail:
        return min(node.mails(), key=lambda m: (m.sent_at, m.order))

    roots.sort(key=lambda n: (first_mail(n).sent_at, first_mail(n).order))
    by_subject: dict[str, _Container] = {}
    merged: set[int] = set()
    subject_linked: set[str] = set()
    for root in roots:
        first = first_mail(root)
        base, is_reply = base_subject(first.subject)
        if not base:
            continue
        earlier = by_subject.get(base)
        if earlier is not None and is_reply:
            shared = set().union(*(m.participants for m in earlier.mails())) & set().union(
                *(m.participants for m in root.mails())
            )
            if shared:
                _link(earlier, root)
                merged.add(id(root))
                subject_linked.add(earlier.id)
                continue
        by_subject.setdefault(base, root)

    threads = []
    for root in roots:
        if id(root) in merged:
            continue
        members = sorted(root.mails(), key=lambda m: (m.sent_at, m.order))
        threads.append((root.id, members, root.id in subject_linked))
    return threads
