"""Which model each detectable language would be sent to: what makes a wrong guess costly or harmless.

Telling Danish from Norwegian does not matter when one model translates both; telling English from German does.
Detection therefore weighs its doubt per model (route), not per language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import UnsupportedLanguage
from ..languages import ENGLISH, NAMES
from ..registry import Registry


@dataclass(frozen=True)
class Routing:
    """Code → the translation model's key for every language we route; English → None (passed through)."""

    routes: dict[str, str | None]
    catch_all: str | None = None  # the model that translates the languages without one of their own

    @classmethod
    def from_registry(cls, registry: Registry) -> Routing:
        routes: dict[str, str | None] = {ENGLISH: None}
        for code in sorted(NAMES):
            if code == ENGLISH:
                continue
            try:
                routes[code] = registry.translator_for(code).key
            except UnsupportedLanguage:  # no model and no catch-all: not a language to detect
                continue
        catch_all = registry.catch_all
        return cls(routes, catch_all.key if catch_all else None)

    @property
    def candidates(self) -> frozenset[str]:
        """The languages worth detecting: the ones some model translates, plus English."""
        return frozenset(self.routes)

    def route(self, code: str) -> str | None:
        return self.routes[code]


@lru_cache(maxsize=8)
def routing_for(registry_path: Path) -> Routing:
    """The routing of the registry file at `registry_path`, read once per process."""
    return Routing.from_registry(Registry.load(registry_path))
