"""The result cache: repeats answer from memory, and anything that changes the result changes the key."""

from fastapi.testclient import TestClient

from conftest import NORWEGIAN_SEED, SEED_FILES, seed_text
from service.api.app import create_app
from service.cache import LRUCache, cache_key
from service.pipeline import Pipeline


def test_lru_evicts_least_recently_used() -> None:
    cache: LRUCache[int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert (cache.hits, cache.misses, len(cache)) == (3, 1, 2)


def test_zero_size_disables() -> None:
    cache: LRUCache[int] = LRUCache(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0


def test_key_is_stable_and_sensitive() -> None:
    assert cache_key(text="a", beams=4) == cache_key(beams=4, text="a")
    assert cache_key(text="a", beams=4) != cache_key(text="a", beams=1)


def test_repeat_article_is_served_from_cache(settings) -> None:
    pipeline = Pipeline.from_settings(settings)
    with TestClient(create_app(settings, pipeline)) as client:
        raw = seed_text(NORWEGIAN_SEED)
        first = client.post("/v1/articles", content=raw, headers={"content-type": "text/plain"}).json()
        again = client.post("/v1/articles", content=raw + "\n\n", headers={"content-type": "text/plain"}).json()
        assert (first["cached"], again["cached"]) == (False, True)
        assert again["translation"] == first["translation"] and again["summary"] == first["summary"]
        assert "translate" not in again["timings_ms"] and again["timings_ms"]["total"] < first["timings_ms"]["total"]
        # different decoding-relevant options are different entries
        brief = client.post("/v1/articles", json={"text": raw, "summary": {"style": "brief"}}).json()
        assert brief["cached"] is False and brief["summary"]["style"] == "brief"
        other = client.post("/v1/articles", json={"text": seed_text(SEED_FILES[0])}).json()
        assert other["cached"] is False
    pipeline.pool.close()


def test_settings_are_part_of_the_key(settings) -> None:
    a = Pipeline.from_settings(settings)
    b = Pipeline.from_settings(settings.model_copy(update={"translate_beams": 1}))
    from service.pipeline import ArticleRequest

    request = ArticleRequest(text="Hei.")
    plan = a.plan("no", request.summary)
    assert plan == b.plan("no", request.summary), "the same decisions ..."
    assert a._cache_key("Hei.", plan, request) != b._cache_key("Hei.", plan, request), "... under other settings"
    assert a._cache_key("Hei.", plan, request) == a._cache_key("Hei.  ", plan, request)
