"""The fidelity checks' data (numbers.toml, rules.toml), loaded once into typed tables."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Language:
    """Number, date and time words of one language (all lower case)."""

    code: str
    decimal: str
    compounds: bool
    connectors: frozenset[str]
    ambiguous: frozenset[str]
    numbers: dict[str, Decimal]  # cardinals and ordinals
    implied: dict[str, Decimal]  # words that imply a number ("døgnet"): weak mentions
    scales: dict[str, Decimal]
    months: tuple[tuple[str, int], ...]  # (stem, month), longest stems first
    ambiguous_months: frozenset[str]
    weekdays: tuple[tuple[str, int], ...]
    percent: tuple[str, ...]
    time_markers: frozenset[str]
    not_names: frozenset[str]
    noun_capitals: bool


@dataclass(frozen=True)
class Rules:
    length_band: tuple[float, float]
    length_min_chars: int
    untranslated_max_shared: float
    untranslated_min_words: int
    name_similarity: float
    name_min_prefix: int
    name_prefix_share: float
    rewrites: tuple[tuple[str, str], ...]
    translit: dict[str, str]
    units: dict[str, str]


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((_HERE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def rules() -> Rules:
    raw = _toml("rules.toml")
    names = raw["names"]
    return Rules(
        length_band=(raw["length"]["min_ratio"], raw["length"]["max_ratio"]),
        length_min_chars=raw["length"]["min_chars"],
        untranslated_max_shared=raw["untranslated"]["max_shared"],
        untranslated_min_words=raw["untranslated"]["min_words"],
        name_similarity=names["similarity"],
        name_min_prefix=names["min_prefix"],
        name_prefix_share=names["prefix_share"],
        rewrites=tuple((a, b) for a, b in names["skeleton"]["rewrites"]),
        translit=dict(names["translit"]),
        units={k.lower(): v for k, v in raw["units"].items()},
    )


@cache
def language(code: str) -> Language:
    """The tables for `code`; a language without number words still gets digits, names and the rest."""
    raw = _toml("numbers.toml")
    code = raw["aliases"].get(code, code)
    entry = raw.get(code, {})
    names = _toml("rules.toml")["names"]

    def stems(field: str) -> tuple[tuple[str, int], ...]:
        words = entry.get(field, [])
        values = entry.get("month_numbers" if field == "months" else "", None) or range(1, len(words) + 1)
        return tuple(sorted(zip(words, values), key=lambda pair: -len(pair[0])))

    return Language(
        code=code,
        decimal=entry.get("decimal", "."),
        compounds=entry.get("compounds", False),
        connectors=frozenset(entry.get("connectors", ())),
        ambiguous=frozenset(entry.get("ambiguous", ())),
        numbers={w: Decimal(v) for table in ("cardinals", "ordinals") for w, v in entry.get(table, {}).items()},
        implied={w: Decimal(v) for w, v in entry.get("implied", {}).items()},
        scales={w: Decimal(v) for w, v in entry.get("scales", {}).items()},
        months=stems("months"),
        ambiguous_months=frozenset(entry.get("ambiguous_months", ())),
        weekdays=stems("weekdays"),
        percent=tuple(entry.get("percent", ())),
        time_markers=frozenset(entry.get("time_markers", ())),
        not_names=frozenset(names["not_names"].get(code, ())),
        noun_capitals=code in names["noun_capitals"],
    )
