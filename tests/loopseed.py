"""A small hand-built workspace for close-the-loop tests; the expected answers are in :class:`Loop`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Contact,
    Conversation,
    Message,
    Origin,
    RoadmapItem,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
)
from frontdoor.workspace.workspaces import create_workspace

BASE = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


@dataclass
class Loop:
    """Ids of the seeded rows."""

    workspace_id: int
    item_id: int
    other_item_id: int
    kim: int  # ko, email, two conversations (child tag, parent tag)
    smith: int  # en, email, one conversation
    park: int  # ko, no email
    lee: int  # wrote a customer message in smith's conversation (cc'd colleague), en
    suggested_only: int  # only a suggested tag: not asked
    rejected_only: int  # only a rejected tag: not asked
    conv_kim_1: int
    conv_kim_2: int
    conv_smith: int
    conv_park: int


def seed_loop(store: Store, *, workspace_id: int) -> Loop:
    """Contacts who asked (confirmed tags, child tags, cc'd writers) and some who did not."""
    with store.session() as s:
        source = Source(workspace_id=workspace_id, kind="email", name="mail", settings={})
        seoul = Account(workspace_id=workspace_id, name="서울상회", arr=12_000_000)
        acme = Account(workspace_id=workspace_id, name="Acme Ltd", arr=30_000_000)
        s.add_all([source, seoul, acme])
        s.flush()
        dim = TagDimension(workspace_id=workspace_id, key="area", name_ko="영역", name_en="Area")
        s.add(dim)
        s.flush()
        export = Tag(workspace_id=workspace_id, path="area/export", dimension_id=dim.id, name_en="Export")
        s.add(export)
        s.flush()
        csv_tag = Tag(
            workspace_id=workspace_id,
            path="area/export/csv",
            parent_id=export.id,
            dimension_id=dim.id,
            name_en="CSV",
        )
        # Shares the prefix text but is not a descendant ("area/exports" vs "area/export/").
        lookalike = Tag(
            workspace_id=workspace_id, path="area/exports", dimension_id=dim.id, name_en="Exports"
        )
        billing = Tag(workspace_id=workspace_id, path="area/billing", dimension_id=dim.id, name_en="Billing")
        s.add_all([csv_tag, lookalike, billing])
        s.flush()

        def contact(name: str, email: str | None, lang: str | None, account: Account | None) -> Contact:
            c = Contact(
                workspace_id=workspace_id,
                name=name,
                email=email,
                language=lang,
                account_id=account.id if account else None,
                attributes={},
            )
            s.add(c)
            s.flush()
            return c

        kim = contact("김민지", "minji@seoul.example", "ko", seoul)
        smith = contact("Ann Smith", "ann@acme.example", "en", acme)
        park = contact("박준", None, "ko", seoul)
        lee = contact("Jae Lee", "jae@acme.example", "en", acme)
        sug = contact("Sue Gest", "sue@acme.example", "en", acme)
        rej = contact("Rex Ject", "rex@acme.example", "en", acme)
        nobody = contact("Other Topic", "other@acme.example", "en", acme)

        def conv(
            ext: str, who: Contact | None, hours: int, tag: Tag, status: AssignmentStatus
        ) -> Conversation:
            c = Conversation(
                workspace_id=workspace_id,
                source_id=source.id,
                external_id=ext,
                account_id=who.account_id if who else None,
                contact_id=who.id if who else None,
                channel=Channel.EMAIL,
                subject=f"subject {ext}",
                opened_at=BASE + dt.timedelta(hours=hours),
                message_count=1,
                attributes={},
            )
            s.add(c)
            s.flush()
            s.add(
                Message(
                    workspace_id=workspace_id,
                    conversation_id=c.id,
                    source_id=source.id,
                    external_id=f"{ext}-0",
                    author_kind=AuthorKind.CUSTOMER,
                    contact_id=who.id if who else None,
                    text=f"text of {ext}",
                    sent_at=c.opened_at,
                    attributes={},
                )
            )
            s.add(
                TagAssignment(
                    workspace_id=workspace_id,
                    conversation_id=c.id,
                    tag_id=tag.id,
                    scope="",
                    origin=Origin.HUMAN,
                    status=status,
                    attributes={},
                )
            )
            s.flush()
            return c

        ok = AssignmentStatus.CONFIRMED
        # Kim's second conversation is older: conversations are listed oldest first.
        kim_1 = conv("k1", kim, 5, csv_tag, ok)
        kim_2 = conv("k2", kim, 2, export, ok)
        smith_c = conv("s1", smith, 3, export, ok)
        park_c = conv("p1", park, 4, csv_tag, ok)
        conv("anon", None, 6, export, ok)  # no contact at all: nobody to tell
        conv("g1", sug, 7, export, AssignmentStatus.SUGGESTED)
        conv("r1", rej, 8, export, AssignmentStatus.REJECTED)
        conv("n1", nobody, 9, billing, ok)
        conv("n2", nobody, 10, lookalike, ok)
        # Lee replied on Smith's thread (a colleague on copy); an internal note by Lee would not count.
        s.add(
            Message(
                workspace_id=workspace_id,
                conversation_id=smith_c.id,
                source_id=source.id,
                external_id="s1-1",
                author_kind=AuthorKind.CUSTOMER,
                contact_id=lee.id,
                text="+1 from me",
                sent_at=smith_c.opened_at + dt.timedelta(minutes=5),
                attributes={},
            )
        )
        item = RoadmapItem(workspace_id=workspace_id, title="CSV export for large ranges", description="")
        item.tags = [export]
        other = RoadmapItem(workspace_id=workspace_id, title="Billing portal", description="")
        other.tags = [billing]
        s.add_all([item, other])
        s.flush()
        # A second workspace with the same shape must never leak in.
        ws2 = create_workspace(s, slug="other", name="Other").id
        src2 = Source(workspace_id=ws2, kind="email", name="mail", settings={})
        s.add(src2)
        s.flush()
        return Loop(
            workspace_id=workspace_id,
            item_id=item.id,
            other_item_id=other.id,
            kim=kim.id,
            smith=smith.id,
            park=park.id,
            lee=lee.id,
            suggested_only=sug.id,
            rejected_only=rej.id,
            conv_kim_1=kim_1.id,
            conv_kim_2=kim_2.id,
            conv_smith=smith_c.id,
            conv_park=park_c.id,
        )
