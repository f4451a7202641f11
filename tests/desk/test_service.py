"""The desk facade: the story's brief drawn from every outlet in turn, its facts, and story.updated events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.common.owners import Owner
from service.config import DeskSettings
from service.db import Database
from service.desk.brief import Source, select
from service.desk.service import DeskService

from .support import first_sentences, seed_article, seed_texts


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any], str]] = []

    def publish(self, owner: str, event_type: str, data: dict[str, Any], *, key: str) -> None:
        self.events.append((owner, event_type, data, key))


def make(tmp_path: Path, sink: Sink | None = None) -> DeskService:
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    db.upgrade()
    return DeskService(db, DeskSettings(), first_sentences, sink)  # type: ignore[arg-type]


def test_the_brief_takes_sentences_from_every_outlet_in_turn() -> None:
    sources = [Source("A", "Rain fell on the city through the night. Firefighters pumped water from flooded cellars.", None),
               Source("B", "The river rose above its banks by morning. Schools stayed closed across the region.", None)]
    assert [i for i, _ in select(sources, 3)] == [0, 1, 0]
    assert [i for i, _ in select(sources, 2)] == [0, 1]


def test_a_story_reads_as_one_brief_with_its_disagreements(tmp_path: Path) -> None:
    sink = Sink()
    desk = make(tmp_path, sink)
    for key in ("000", "001", "002"):
        desk.file("a", seed_article(key))
    story_id = desk.store.page(Owner("a"), 1, None)[0][0].id
    story = desk.get(story_id, Owner("a"))
    assert story.article_count == 3 and story.revision == 3
    assert story.outlets == ["The Independent", "The Telegraph", "Reuters"]
    assert story.brief is not None and story.brief.headline == "headline 000"
    outlets = [point.rsplit("(", 1)[1].rstrip(")") for point in story.brief.key_points]
    assert outlets[:3] == ["The Independent", "The Telegraph", "Reuters"]  # round-robin: no outlet first twice
    assert story.disagreements == [
        "several injured (The Independent, rescue officials); at least 10 injured (The Telegraph)",
        "five missiles (The Telegraph, President Zelensky); two missiles (Reuters, the city's mayor)",
    ]
    assert [(m.article_id, m.outlet, m.language, m.pinned) for m in story.members] == [
        ("000", "The Independent", "en", False), ("001", "The Telegraph", "en", False), ("002", "Reuters", "en", False)]
    assert [(e[0], e[1], e[2]["story_id"], e[2]["revision"], e[3]) for e in sink.events] == [
        ("a", "story.updated", story_id, revision, f"story.updated:{story_id}:{revision}") for revision in (1, 2, 3)]
    assert desk.get(story_id, Owner("a")) == story  # the stored brief, as long as nothing changed


def test_a_repeat_filing_announces_nothing(tmp_path: Path) -> None:
    sink = Sink()
    desk = make(tmp_path, sink)
    desk.file("a", seed_article("000"))
    desk.file("a", seed_article("000"))
    assert len(sink.events) == 1
    assert seed_texts()  # the fixture texts are there


def test_story_updated_reaches_the_owners_subscribed_endpoints_once(tmp_path: Path) -> None:
    from sqlalchemy import select

    from service.config import WebhookSettings
    from service.webhooks.models import Delivery
    from service.webhooks.service import WebhookService

    db = Database(f"sqlite:///{tmp_path / 'hooks.db'}")
    db.upgrade()
    hooks = WebhookService(db, WebhookSettings(), resolver=lambda host, port: ["93.184.216.34"])
    hooks.notify = lambda delivery_id: None  # nothing is sent here: the deliveries are what is checked
    wants = hooks.create_endpoint(Owner("a"), "https://a.example/hook", ["story.updated"])
    hooks.create_endpoint(Owner("a"), "https://a.example/jobs", ["job.completed"])  # not subscribed
    hooks.create_endpoint(Owner("b"), "https://b.example/hook", ["story.updated"])  # another owner's
    desk = DeskService(db, DeskSettings(), first_sentences, hooks)
    filed = desk.file("a", seed_article("000"))
    desk.file("a", seed_article("000"))  # a repeat: no event
    with db.session() as session:
        rows = session.execute(select(Delivery.endpoint_id, Delivery.event_type, Delivery.key)).all()
    assert [tuple(r) for r in rows] == [
        (wants.id, "story.updated", f"story.updated:{filed.story_id}:1:{wants.id}")
    ]
