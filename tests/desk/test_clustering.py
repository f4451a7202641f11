"""Filing: the seeds' stories, idempotence, editors' moves winning over the clusterer, owners kept apart, and
two writers filing at once (threads with their own stores, like two worker processes) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from service.common.owners import Owner
from service.errors import NotFound
from sqlalchemy import delete

from service.desk.models import Member, Story
from service.desk.store import DeskStore, cursor
from testkit.servers import PostgresServer

from .support import T0, new_store, seed_article, seed_texts


def groups(store: DeskStore, owner: str, keys: list[str]) -> list[str]:
    """The stories of `keys` as letters in order of first appearance (A, B, C ...)."""
    index = store._indexes[owner]
    letters: dict[str | None, str] = {}
    return [letters.setdefault(index.articles[k].story_id, "ABCDE"[len(letters)]) for k in keys]


def test_the_seeds_form_three_stories(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    filed = [store.file("a", seed_article(k)) for k in seed_texts()]
    assert [f.created for f in filed] == [True, False, False, True, True]
    assert groups(store, "a", list(seed_texts())) == ["A", "A", "A", "B", "C"]
    stories, has_more = store.page(Owner("a"), 10, None)
    assert (len(stories), has_more) == (3, False)
    assert stories[0].id == filed[4].story_id  # newest activity first


def test_filing_the_same_article_again_changes_nothing(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    first = store.file("a", seed_article("000"))
    again = store.file("a", seed_article("000"))
    assert (again.story_id, again.changed, again.revisions) == (first.story_id, False, ())
    assert len(store.members(first.story_id or "", 10)) == 1


def test_an_article_outside_the_time_window_starts_its_own_story(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    first = store.file("a", seed_article("000"))
    late = seed_article("001")
    late = type(late)(**{**late.__dict__, "published_at": T0 + 4 * 86400})  # the window is 72 h
    assert store.file("a", late).story_id != first.story_id


def test_an_editors_move_wins_over_refiling(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    for key in seed_texts():
        store.file("a", seed_article(key))
    kyiv, other = store._indexes["a"].articles["000"].story_id, store._indexes["a"].articles["003"].story_id
    assert kyiv and other
    moved = store.place(Owner("a"), other, "001")
    assert (moved.story_id, moved.changed) == (other, True)
    refiled = store.file("a", seed_article("001", seed_texts()["001"] + "\n\nAn update."))  # changed text
    assert (refiled.story_id, refiled.changed) == (other, False)
    assert [m.article_id for m in store.members(other, 10)] == ["001", "003"]  # by time, then filing order
    assert all(m.pinned == (m.article_id == "001") for m in store.members(other, 10))

    store.take_out(Owner("a"), kyiv, "002")
    assert store.file("a", seed_article("002", "Changed " + seed_texts()["002"])).story_id is None
    assert [m.article_id for m in store.members(kyiv, 10)] == ["000"]
    with pytest.raises(NotFound):
        store.take_out(Owner("a"), kyiv, "002")  # not in it any more


def test_moving_the_last_article_out_deletes_the_story(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    kyiv = store.file("a", seed_article("000")).story_id
    lone = store.file("a", seed_article("004")).story_id
    assert kyiv and lone and kyiv != lone
    filed = store.place(Owner("a"), kyiv, "004")
    assert filed.revisions == ((lone, -1), (kyiv, 2))
    with pytest.raises(NotFound):
        store.story(lone, Owner("a"))


def test_another_owners_story_is_not_found(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    story = store.file("a", seed_article("000")).story_id or ""
    b = store.file("b", seed_article("001"))
    assert b.created  # b's desk does not see a's story
    for act in (lambda: store.story(story, Owner("b")), lambda: store.place(Owner("b"), story, "001"),
                lambda: store.take_out(Owner("b"), story, "000")):
        with pytest.raises(NotFound):
            act()
    assert [s.id for s in store.page(Owner("b"), 10, None)[0]] == [b.story_id]
    assert len(store.page(Owner("admin", sees_all=True), 10, None)[0]) == 2


def test_pages_follow_on(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'desk.db'}")
    for key in seed_texts():
        store.file("a", seed_article(key))
    first, more = store.page(Owner("a"), 2, None)
    rest, more_after = store.page(Owner("a"), 2, cursor(first[-1]))
    assert (len(first), more, len(rest), more_after) == (2, True, 1, False)
    assert {s.id for s in first} & {s.id for s in rest} == set()
    with store.db.session() as session:  # the page's last story is gone: the next page still follows
        session.execute(delete(Member).where(Member.story_id == first[-1].id))
        session.execute(delete(Story).where(Story.id == first[-1].id))
    assert [s.id for s in store.page(Owner("a"), 2, cursor(first[-1]))[0]] == [s.id for s in rest]


def _race(url: str) -> None:
    """Two writers, each with its own store and index, file the seeds at once in opposite orders."""
    stores = [new_store(url), DeskStore(new_store(url).db, new_store(url).settings)]
    keys = list(seed_texts())
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(store: DeskStore, order: list[str]) -> None:
        try:
            start.wait()
            for key in order:
                store.file("a", seed_article(key))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(stores[0], keys)),
               threading.Thread(target=run, args=(stores[1], keys[::-1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for store in stores:
        store.warm("a")
        assert sorted(store._indexes["a"].articles) == keys
    stories = store.page(Owner("a"), 10, None)[0]
    members = {s.id: sorted(m.article_id for m in store.members(s.id, 10)) for s in stories}
    assert sorted(members.values()) == [["000", "001", "002"], ["003"], ["004"]]  # each filed once, as alone


def test_two_writers_at_once_on_sqlite(tmp_path: Path) -> None:
    _race(f"sqlite:///{tmp_path / 'desk.db'}")


@pytest.mark.servers
def test_two_writers_at_once_on_postgresql(postgres_server: PostgresServer) -> None:
    _race(postgres_server.new_database("desk_race"))
