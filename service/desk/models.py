"""Desk tables: stories, the articles filed into them, and one version counter per owner.

Every change to an owner's desk bumps `desk_owners.version` by compare-and-set in the same transaction, so
two workers filing at once take turns (the loser re-reads and decides again), and a process's in-memory
index knows what it missed: the memberships whose `version` is newer than its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import BIG_KEY, Base


class DeskOwner(Base):
    __tablename__ = "desk_owners"

    owner: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, doc="bumped by every change to this owner's stories")


class Story(Base):
    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_owner_activity", "owner", "updated_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), doc="the API key id whose articles it holds (`common.owners`)")
    created_at: Mapped[float] = mapped_column(Double, doc="first seen: when its first article was filed")
    updated_at: Mapped[float] = mapped_column(Double, doc="last activity: an article filed, moved or removed")
    revision: Mapped[int] = mapped_column(Integer, doc="bumped by every change to its members")
    brief: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="the brief as of `brief_revision`")
    brief_revision: Mapped[int | None] = mapped_column(Integer)


class Member(Base):
    __tablename__ = "story_members"
    __table_args__ = (
        UniqueConstraint("owner", "article_id", name="uq_story_members_owner_article"),  # filing is idempotent
        Index("ix_story_members_owner_version", "owner", "version"),
        Index("ix_story_members_story", "story_id"),
    )

    id: Mapped[int] = mapped_column(BIG_KEY, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(40))
    article_id: Mapped[str] = mapped_column(String(300))
    story_id: Mapped[str | None] = mapped_column(ForeignKey("stories.id"), doc="null: taken out by an editor")
    pinned: Mapped[bool] = mapped_column(Boolean, doc="placed by an editor: re-filing never changes it")
    version: Mapped[int] = mapped_column(Integer, doc="the owner's desk version of its last change")
    fingerprint: Mapped[str] = mapped_column(String(64), doc="sha256 of its English text: a re-file of the same text")
    text: Mapped[str] = mapped_column(Text, doc="the English text (its first part), for the brief and facts")
    headline: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(16))
    outlet: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[float] = mapped_column(Double, doc="its time: the page's date, else when it was filed")
    filed_at: Mapped[float] = mapped_column(Double)
