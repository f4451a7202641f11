"""The story desk: GET /v1/stories (newest activity first), GET /v1/stories/{id}, and an editor's
POST/DELETE /v1/stories/{id}/articles/{article_id}.

Every route acts for the caller (`deps.get_owner`): another key's story is 404 (an admin key reaches all)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from ..common.owners import Owner
from ..contracts import schemas
from ..desk.schemas import MembershipOut, StoryOut, StoryPage
from ..desk.service import DeskService
from .deps import get_owner

router = APIRouter(prefix="/v1", tags=["stories"])

ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": schemas.ErrorOut}}


def get_desk(request: Request) -> DeskService:
    return request.app.state.desk


@router.get("/stories", response_model=StoryPage, summary="List stories, newest activity first")
async def list_stories(
    limit: int = Query(20, ge=1, description="Page size (at most WIREBRIEF_JOB_PAGE_MAX)."),
    after: str | None = Query(None, description="`next_after` of the previous page."),
    desk: DeskService = Depends(get_desk),
    owner: Owner = Depends(get_owner),
) -> StoryPage:
    return await run_in_threadpool(lambda: desk.page(owner, limit, after))


@router.get(
    "/stories/{story_id}",
    response_model=StoryOut,
    summary="A story: its brief, facts and disagreements, and its articles",
    responses=ERRORS,
)
async def get_story(
    story_id: str, desk: DeskService = Depends(get_desk), owner: Owner = Depends(get_owner)
) -> StoryOut:
    return await run_in_threadpool(lambda: desk.get(story_id, owner))


@router.post(
    "/stories/{story_id}/articles/{article_id:path}",
    response_model=MembershipOut,
    summary="Move an article into this story (an editor's move: re-filing never changes it)",
    responses=ERRORS,
)
async def place_article(
    story_id: str, article_id: str, desk: DeskService = Depends(get_desk), owner: Owner = Depends(get_owner)
) -> MembershipOut:
    return await run_in_threadpool(lambda: desk.place(owner, story_id, article_id))


@router.delete(
    "/stories/{story_id}/articles/{article_id:path}",
    response_model=MembershipOut,
    summary="Take an article out of this story (it stays out: re-filing never puts it back)",
    responses=ERRORS,
)
async def take_out_article(
    story_id: str, article_id: str, desk: DeskService = Depends(get_desk), owner: Owner = Depends(get_owner)
) -> MembershipOut:
    return await run_in_threadpool(lambda: desk.take_out(owner, story_id, article_id))
