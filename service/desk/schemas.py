"""Bodies of the stories API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..contracts.schemas import Page


class StoryMemberOut(BaseModel):
    article_id: str
    outlet: str | None = Field(..., description="The page's site name, the URL's host, or the article's `source`.")
    language: str
    headline: str | None
    url: str | None
    time: str = Field(..., description="The page's date, else when the article was filed.")
    filed_at: str
    pinned: bool = Field(..., description="Placed by an editor: re-filing never moves it.")


class ClaimOut(BaseModel):
    statement: str = Field(..., description="The count as written: 'at least 10', 'five', 'several'.")
    low: int | None
    high: int | None
    outlet: str
    source: str | None = Field(..., description="Who the article says said it ('the city's mayor'), if it says.")
    article_id: str
    sentence: str


class FactOut(BaseModel):
    subject: str = Field(..., description="killed, injured, missiles, buildings ... (service/desk/facts.toml)")
    disagreement: bool = Field(..., description="Outlets or sources state different counts.")
    line: str = Field(..., description="'at least 10 injured (A); several injured (B)'")
    claims: list[ClaimOut]


class StoryBriefOut(BaseModel):
    """The uniform summary shape, over sentences taken from every member in turn."""

    headline: str
    summary: str
    key_points: list[str]
    method: Literal["abstractive", "extractive"]
    model: str | None


class StoryOut(BaseModel):
    id: str
    object: Literal["story"] = "story"
    first_seen: str
    last_updated: str
    revision: int
    article_count: int
    outlets: list[str]
    brief: StoryBriefOut | None = Field(..., description="null while no member has a whole sentence.")
    disagreements: list[str] = Field(..., description="The facts where outlets or sources disagree, as lines.")
    facts: list[FactOut]
    members: list[StoryMemberOut]


class StoryListItem(BaseModel):
    id: str
    object: Literal["story"] = "story"
    headline: str | None
    first_seen: str
    last_updated: str
    article_count: int
    outlets: list[str]


class StoryPage(Page[StoryListItem]):
    pass


class MembershipOut(BaseModel):
    article_id: str
    story_id: str | None = Field(..., description="null: taken out of every story by an editor.")
    pinned: bool
