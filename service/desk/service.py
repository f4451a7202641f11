"""The desk facade the API, the job runner and the newsroom hook use: file a processed article, read stories,
let an editor move an article; every change announced as `story.updated` through the event sink."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any
from urllib.parse import urlsplit

from ..common.clock import iso
from ..common.owners import Owner
from ..config import DeskSettings
from ..db import Database
from ..events import EventSink
from ..modelstore import locate
from ..pipeline import ArticleResult, Pipeline, SummaryRequest
from ..summarize import Summary
from . import brief as briefs
from . import facts as claims
from .models import Member
from .schemas import (
    ClaimOut,
    FactOut,
    MembershipOut,
    StoryBriefOut,
    StoryListItem,
    StoryMemberOut,
    StoryOut,
    StoryPage,
)
from .store import DeskArticle, DeskStore, Filed, cursor

log = logging.getLogger(__name__)

STORY_EVENT = "story.updated"


def desk_article(result: ArticleResult, article_id: str, source: str | None = None) -> DeskArticle:
    """What the desk files of a processed article: its English text, headline, outlet, language and time."""
    english = result.translation.text if result.translation is not None else result.cleaning.text
    meta = result.metadata or {}
    url = meta.get("url")
    outlet = meta.get("site_name") or (urlsplit(url).hostname if url else None) or source
    headline = result.title or (result.summary.headline if result.summary else None)
    return DeskArticle(
        article_id=article_id,
        text=english,
        language=result.language.language.code,
        headline=headline,
        outlet=outlet,
        url=url,
        published_at=_day(meta.get("date")),
    )


def pipeline_summarizer(pipeline: Pipeline) -> briefs.Summarize:
    """The pipeline's summarize: abstractive when the summarizer model is present here, extractive otherwise."""

    def run(text: str, title: str | None) -> Summary:
        spec = pipeline.registry.summarizer
        present = locate(spec, pipeline.models.models_dir).present
        return pipeline.summarize(text, SummaryRequest(method="abstractive" if present else "extractive"), title=title)

    return run


class DeskService:
    def __init__(
        self,
        db: Database,
        settings: DeskSettings,
        summarize: briefs.Summarize,
        sink: EventSink | None = None,
        *,
        public_base_url: str = "",
        page_max: int = 100,
    ) -> None:
        self.settings = settings
        self.store = DeskStore(db, settings)
        self.summarize = summarize
        self.sink = sink
        self.base = public_base_url.rstrip("/")
        self.page_max = page_max
        self.warming = False

    def start_warm(self) -> threading.Thread:
        """Load every owner's index on a background thread, so no newsroom's first filing waits for its load
        (about 20 s at 10,000 stories); `warming` is True until done (/ready is 503 meanwhile)."""
        self.warming = True
        thread = threading.Thread(target=self.warm, name="desk-warm", daemon=True)
        thread.start()
        return thread

    def warm(self) -> None:
        """Load every owner's index now. A failure is logged: each index then loads on its owner's first filing."""
        self.warming = True
        try:
            for owner in self.store.owners():
                self.store.warm(owner)
        except Exception:
            log.exception("the story desk could not be warmed; each owner's index loads on its first filing")
        finally:
            self.warming = False

    # -- filing ---------------------------------------------------------------------------------------

    def file(self, owner: str, article: DeskArticle) -> Filed:
        filed = self.store.file(owner, article)
        self._announce(owner, filed)
        return filed

    def file_result(self, owner: str, article_id: str, result: ArticleResult, source: str | None = None) -> None:
        """File a processed article as a side effect (a job item, the newsroom hook): a desk fault is logged,
        never the article's failure."""
        try:
            self.file(owner, desk_article(result, article_id, source))
        except Exception:
            log.exception("article %s could not be filed to the story desk", article_id)

    # -- editors --------------------------------------------------------------------------------------

    def place(self, viewer: Owner, story_id: str, article_id: str) -> MembershipOut:
        owner = self.store.story(story_id, viewer).owner
        filed = self.store.place(viewer, story_id, article_id)
        self._announce(owner, filed)
        return MembershipOut(article_id=article_id, story_id=filed.story_id, pinned=True)

    def take_out(self, viewer: Owner, story_id: str, article_id: str) -> MembershipOut:
        owner = self.store.story(story_id, viewer).owner
        filed = self.store.take_out(viewer, story_id, article_id)
        self._announce(owner, filed)
        return MembershipOut(article_id=article_id, story_id=None, pinned=True)

    # -- reads ----------------------------------------------------------------------------------------

    def page(self, viewer: Owner, limit: int, after: str | None = None) -> StoryPage:
        stories, has_more = self.store.page(viewer, min(limit, self.page_max), after)
        counts = self.store.counts([s.id for s in stories])
        return StoryPage(
            data=[
                StoryListItem(
                    id=s.id,
                    headline=counts[s.id][2],
                    first_seen=iso(s.created_at) or "",
                    last_updated=iso(s.updated_at) or "",
                    article_count=counts[s.id][0],
                    outlets=counts[s.id][1],
                )
                for s in stories
            ],
            has_more=has_more,
            next_after=cursor(stories[-1]) if has_more else None,
        )

    def get(self, story_id: str, viewer: Owner) -> StoryOut:
        story = self.store.story(story_id, viewer)
        members = self.store.members(story.id, self.settings.desk_max_members)
        if story.brief is not None and story.brief_revision == story.revision:
            computed = story.brief
        else:
            computed = self.compute(members)
            self.store.save_brief(story.id, story.revision, computed)
        outlets = list(dict.fromkeys(outlet_of(m) for m in members))
        return StoryOut(
            id=story.id,
            first_seen=iso(story.created_at) or "",
            last_updated=iso(story.updated_at) or "",
            revision=story.revision,
            article_count=len(members),
            outlets=outlets,
            brief=StoryBriefOut.model_validate(computed["brief"]) if computed["brief"] else None,
            disagreements=[f["line"] for f in computed["facts"] if f["disagreement"]],
            facts=[FactOut.model_validate(f) for f in computed["facts"]],
            members=[member_view(m) for m in members],
        )

    def compute(self, members: list[Member]) -> dict[str, Any]:
        """The brief and the facts of these members, as stored with the story."""
        sources = [briefs.Source(outlet_of(m), m.text, m.headline) for m in members]
        summary, picked = briefs.brief(sources, self.settings.desk_brief_sentences, self.summarize)
        found = [c for m in members for c in claims.claims(m.text, outlet_of(m), m.article_id)]
        brief = None
        if summary is not None:
            brief = StoryBriefOut(
                headline=summary.headline,
                summary=summary.summary,
                key_points=[f"{sentence} ({sources[i].outlet})" for i, sentence in picked],
                method=summary.method,
                model=summary.model,
            ).model_dump()
        facts = [
            FactOut(
                subject=f.subject,
                disagreement=f.disagreement,
                line=f.line,
                claims=[
                    ClaimOut(
                        statement=c.statement,
                        low=c.low,
                        high=c.high,
                        outlet=c.outlet,
                        source=c.source,
                        article_id=c.article_id,
                        sentence=c.sentence,
                    )
                    for c in f.claims
                ],
            ).model_dump()
            for f in claims.facts(found)
        ]
        return {"brief": brief, "facts": facts}

    # -- events ---------------------------------------------------------------------------------------

    def _announce(self, owner: str, filed: Filed) -> None:
        if self.sink is None:
            return
        for story_id, revision in filed.revisions:
            data = {
                "story_id": story_id,
                "revision": max(revision, 0),
                "deleted": revision < 0,
                "article_id": filed.article_id,
                "links": {"story": f"{self.base}/v1/stories/{story_id}"},
            }
            try:
                self.sink.publish(owner, STORY_EVENT, data, key=f"{STORY_EVENT}:{story_id}:{revision}")
            except Exception:
                log.exception("could not hand %s of story %s over to the event sink", STORY_EVENT, story_id)


def outlet_of(member: Member) -> str:
    return member.outlet or f"article {member.article_id}"


def member_view(member: Member) -> StoryMemberOut:
    return StoryMemberOut(
        article_id=member.article_id,
        outlet=member.outlet,
        language=member.language,
        headline=member.headline,
        url=member.url,
        time=iso(member.published_at) or "",
        filed_at=iso(member.filed_at) or "",
        pinned=member.pinned,
    )


def _day(value: str | None) -> float | None:
    """A page's YYYY-MM-DD date as epoch seconds (noon UTC, so either side's time zone keeps the day)."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()
