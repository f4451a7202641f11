"""The desk's storage: filing, editors' moves, reads. Every change is one short transaction that first bumps
the owner's desk version by compare-and-set, so changes to one owner's desk are serialized across threads and
processes (a loser re-reads and decides again) and each process's in-memory index can replay what it missed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..common.claims import rows_matched
from ..common.clock import now
from ..common.ids import new_id
from ..common.owners import Owner, visible
from ..config import DeskSettings
from ..db import Database
from ..errors import InvalidInput, NotFound, StorageUnavailable
from .features import MAX_CHARS, features
from .index import OwnerIndex
from .models import DeskOwner, Member, Story

#: compare-and-set attempts before a filing gives up (each loss means another writer made progress)
MAX_TRIES = 50


def cursor(story: Story) -> str:
    """Where a page of stories ends: `<activity time>~<id>`, opaque to clients."""
    return f"{story.updated_at!r}~{story.id}"


def parse_cursor(after: str) -> tuple[float, str]:
    updated_at, sep, story_id = after.partition("~")
    try:
        when = float(updated_at)
    except ValueError:
        when = float("nan")
    if not sep or not story_id or when != when or when in (float("inf"), float("-inf")):
        raise InvalidInput(f"after: {after!r} is not a `next_after` of this list")
    return when, story_id


@dataclass(frozen=True)
class DeskArticle:
    """A processed article as the desk files it."""

    article_id: str
    text: str  # English
    language: str
    headline: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: float | None = None  # epoch seconds; None: when it is filed


@dataclass(frozen=True)
class Filed:
    """Where an article went: its story (None: an editor took it out), whether this call changed anything."""

    article_id: str
    story_id: str | None
    changed: bool
    created: bool = False
    revisions: tuple[tuple[str, int], ...] = ()  # (story id, its new revision) of each story this call changed


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DeskStore:
    def __init__(self, db: Database, settings: DeskSettings) -> None:
        self.db = db
        self.settings = settings
        self._indexes: dict[str, OwnerIndex] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    # -- the index ------------------------------------------------------------------------------------

    @contextmanager
    def _owner_lock(self, owner: str) -> Iterator[OwnerIndex]:
        with self._guard:
            lock = self._locks.setdefault(owner, threading.Lock())
        with lock:
            yield self._indexes.setdefault(owner, OwnerIndex())

    def _sync(self, owner: str, index: OwnerIndex) -> None:
        """Replay the memberships changed since the index's version (other processes', editors')."""
        with self.db.session() as session:
            version = session.scalar(select(DeskOwner.version).where(DeskOwner.owner == owner)) or 0
            if version == index.version:
                return
            rows = session.execute(
                select(Member.article_id, Member.story_id, Member.text, Member.published_at)
                .where(Member.owner == owner, Member.version > index.version, Member.version <= version)
                .order_by(Member.version, Member.id)
            ).all()
        for row in rows:
            index.put(row.article_id, row.story_id, features(row.text), row.published_at)
        index.version = version

    def warm(self, owner: str) -> None:
        """Load `owner`'s index now (a process start), not on its first filing."""
        with self._owner_lock(owner) as index:
            self._sync(owner, index)

    def owners(self) -> list[str]:
        """Every owner with a story on the desk (whose index a process start may warm)."""
        with self.db.session() as session:
            return list(session.scalars(select(Story.owner).distinct().order_by(Story.owner)))

    # -- filing ---------------------------------------------------------------------------------------

    def file(self, owner: str, article: DeskArticle) -> Filed:
        """File `article` under `owner`: join the best story in the window above the threshold, or start one.

        Idempotent: the same article id with the same text is where it was. A pinned article (an editor
        placed or removed it) never moves. The same id with a changed text is decided again."""
        text = article.text[:MAX_CHARS]
        digest = fingerprint(text)
        found = features(text)
        with self._owner_lock(owner) as index:
            for _ in range(MAX_TRIES):
                self._sync(owner, index)
                with self.db.session() as session:
                    existing = session.scalars(
                        select(Member).where(Member.owner == owner, Member.article_id == article.article_id)
                    ).one_or_none()
                if existing is not None and (existing.pinned or existing.fingerprint == digest):
                    return Filed(article.article_id, existing.story_id, changed=False)
                at = article.published_at if article.published_at is not None else now()
                if existing is not None:  # decide again without its old self in the way
                    index.put(article.article_id, None, found, at)
                match = index.best(found, at, self.settings)
                version = index.version + 1
                story_id = match.story_id if match else new_id("story")
                try:
                    revisions = self._write_filing(owner, index.version, article, text, digest, at, story_id, match)
                except IntegrityError:
                    if existing is not None:
                        index.version = -1  # rebuilt from the store on the next try
                    continue  # another writer filed the same article, or the owner's first, meanwhile
                if revisions is None:
                    if existing is not None:
                        index.put(article.article_id, existing.story_id, features(existing.text), existing.published_at)
                    continue  # another writer changed the desk first: catch up and decide again
                index.put(article.article_id, story_id, found, at)
                index.version = version
                return Filed(article.article_id, story_id, True, created=match is None, revisions=revisions)
        raise StorageUnavailable("the story desk is too busy to file this article now; retry later")

    def _write_filing(
        self,
        owner: str,
        version: int,
        article: DeskArticle,
        text: str,
        digest: str,
        at: float,
        story_id: str,
        joins: object,
    ) -> tuple[tuple[str, int], ...] | None:
        t = now()
        with self.db.session() as session:
            if not _bump(session, owner, version):
                session.rollback()
                return None
            old = session.scalar(
                select(Member.story_id).where(Member.owner == owner, Member.article_id == article.article_id)
            )
            if joins is None:
                session.add(Story(id=story_id, owner=owner, created_at=t, updated_at=t, revision=0))
                session.flush()
            values = {
                "story_id": story_id,
                "pinned": False,
                "version": version + 1,
                "fingerprint": digest,
                "text": text,
                "headline": article.headline,
                "language": article.language,
                "outlet": article.outlet,
                "url": article.url,
                "published_at": at,
                "filed_at": t,
            }
            exists = session.scalar(
                select(func.count()).where(Member.owner == owner, Member.article_id == article.article_id)
            )
            if exists:
                session.execute(
                    update(Member).where(Member.owner == owner, Member.article_id == article.article_id).values(values)
                )
            else:
                session.execute(insert(Member).values(owner=owner, article_id=article.article_id, **values))
            revisions = _touch(session, [s for s in (old, story_id) if s], t)
            session.commit()
        return revisions

    # -- editors --------------------------------------------------------------------------------------

    def place(self, viewer: Owner, story_id: str, article_id: str) -> Filed:
        """Move an article (by an editor) into a story `viewer` may see; pinned there from now on."""
        story = self.story(story_id, viewer)
        return self._pin(story.owner, article_id, story_id)

    def take_out(self, viewer: Owner, story_id: str, article_id: str) -> Filed:
        """Take an article out of a story (by an editor); it stays out, whatever re-filing says."""
        story = self.story(story_id, viewer)
        with self.db.session() as session:
            member = session.scalars(
                select(Member).where(Member.owner == story.owner, Member.article_id == article_id)
            ).one_or_none()
        if member is None or member.story_id != story_id:
            raise NotFound(f"article {article_id!r} is not in story {story_id!r}")
        return self._pin(story.owner, article_id, None)

    def _pin(self, owner: str, article_id: str, story_id: str | None) -> Filed:
        with self._owner_lock(owner) as index:
            for _ in range(MAX_TRIES):
                self._sync(owner, index)
                t = now()
                with self.db.session() as session:
                    if not _bump(session, owner, index.version):
                        session.rollback()
                        continue
                    old = session.scalar(
                        select(Member.story_id).where(Member.owner == owner, Member.article_id == article_id)
                    )
                    moved = rows_matched(
                        session.execute(
                            update(Member)
                            .where(Member.owner == owner, Member.article_id == article_id)
                            .values(story_id=story_id, pinned=True, version=index.version + 1)
                        )
                    )
                    if not moved:
                        session.rollback()
                        raise NotFound(f"no article {article_id!r} on the desk")
                    if story_id is not None and session.get(Story, story_id) is None:
                        session.rollback()
                        raise NotFound(f"no story {story_id!r}")  # deleted (emptied) meanwhile
                    revisions = _touch(session, [s for s in (old, story_id) if s], t)
                    session.commit()
                self._sync(owner, index)
                return Filed(article_id, story_id, changed=old != story_id, revisions=revisions)
        raise StorageUnavailable("the story desk is too busy to change this story now; retry later")

    # -- reads ----------------------------------------------------------------------------------------

    def story(self, story_id: str, viewer: Owner) -> Story:
        with self.db.session() as session:
            story = session.scalars(
                select(Story).where(Story.id == story_id, visible(Story.owner, viewer))
            ).one_or_none()
        if story is None:
            raise NotFound(f"no story {story_id!r}")
        return story

    def members(self, story_id: str, limit: int) -> list[Member]:
        """Its newest `limit` members, oldest first."""
        with self.db.session() as session:
            rows = list(
                session.scalars(
                    select(Member)
                    .where(Member.story_id == story_id)
                    .order_by(Member.published_at.desc(), Member.id.desc())
                    .limit(limit)
                )
            )
        return rows[::-1]

    def page(self, viewer: Owner, limit: int, after: str | None) -> tuple[list[Story], bool]:
        """`viewer`'s stories, newest activity first; `after` is `cursor()` of the previous page's last story (its
        activity time and id, so a page still follows when that story has since been deleted)."""
        query = select(Story).where(visible(Story.owner, viewer))
        if after:
            updated_at, story_id = parse_cursor(after)
            query = query.where(
                or_(
                    Story.updated_at < updated_at,
                    and_(Story.updated_at == updated_at, Story.id < story_id),
                )
            )
        query = query.order_by(Story.updated_at.desc(), Story.id.desc()).limit(limit + 1)
        with self.db.session() as session:
            stories = list(session.scalars(query))
        return stories[:limit], len(stories) > limit

    def counts(self, story_ids: list[str]) -> dict[str, tuple[int, list[str], str | None]]:
        """Per story: members, their outlets, and the first member's headline."""
        out: dict[str, tuple[int, list[str], str | None]] = {s: (0, [], None) for s in story_ids}
        with self.db.session() as session:
            rows = session.execute(
                select(Member.story_id, Member.outlet, Member.headline, Member.text)
                .where(Member.story_id.in_(story_ids))
                .order_by(Member.published_at, Member.id)
            ).all()
        for row in rows:
            count, outlets, headline = out[row.story_id]
            if row.outlet and row.outlet not in outlets:
                outlets.append(row.outlet)
            out[row.story_id] = (count + 1, outlets, headline or row.headline or _lead(row.text))
        return out

    def save_brief(self, story_id: str, revision: int, brief: dict[str, object]) -> None:
        """Keep a brief computed for `revision`, unless the story changed meanwhile."""
        with self.db.session() as session:
            session.execute(
                update(Story)
                .where(Story.id == story_id, Story.revision == revision)
                .values(brief=brief, brief_revision=revision)
            )
            session.commit()


def _bump(session: Session, owner: str, version: int) -> bool:
    """Compare-and-set the owner's desk version from `version` to the next; False: someone else was first."""
    if version == 0:
        if session.scalar(select(func.count()).where(DeskOwner.owner == owner)):
            return False
        session.add(DeskOwner(owner=owner, version=1))
        session.flush()  # a concurrent first filing raises IntegrityError here
        return True
    return (
        rows_matched(
            session.execute(
                update(DeskOwner)
                .where(DeskOwner.owner == owner, DeskOwner.version == version)
                .values(version=version + 1)
            )
        )
        == 1
    )


def _touch(session: Session, story_ids: list[str], t: float) -> tuple[tuple[str, int], ...]:
    """New activity on these stories; a story left without members is deleted. Their new revisions."""
    revisions = []
    for story_id in dict.fromkeys(story_ids):
        left = session.scalar(select(func.count()).where(Member.story_id == story_id))
        if not left:
            session.execute(delete(Story).where(Story.id == story_id))
            revisions.append((story_id, -1))
            continue
        session.execute(update(Story).where(Story.id == story_id).values(updated_at=t, revision=Story.revision + 1))
        revisions.append((story_id, session.scalar(select(Story.revision).where(Story.id == story_id)) or 0))
    return tuple(revisions)


def _lead(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…"
