"""Summary styles and prompt templates, read from `prompts/` (data, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnknownStyle


@dataclass(frozen=True)
class Style:
    name: str
    description: str
    min_words: int
    max_words: int
    key_points: int
    headline_max_words: int
    min_new_tokens: int
    max_new_tokens: int


@dataclass(frozen=True)
class Prompts:
    styles: dict[str, Style]
    default_style: str
    map_min_new_tokens: int
    map_max_new_tokens: int
    templates: dict[str, str]

    @classmethod
    def load(cls, folder: Path) -> Prompts:
        raw = tomllib.loads((folder / "styles.toml").read_text(encoding="utf-8"))
        styles = {name: Style(name=name, **fields) for name, fields in raw["styles"].items()}
        for style in styles.values():
            if not 0 < style.min_words <= style.max_words:
                raise ValueError(f"style {style.name}: need 0 < min_words <= max_words")
        templates_file = folder / "templates.toml"
        templates = {}
        if templates_file.is_file():
            parsed = tomllib.loads(templates_file.read_text(encoding="utf-8"))
            templates = {name: entry["text"] for name, entry in parsed.get("templates", {}).items()}
        for name, template in templates.items():
            if "{text}" not in template:
                raise ValueError(f"prompt template {name} has no {{text}} placeholder")
        default = raw.get("default", "standard")
        if default not in styles:
            raise ValueError(f"default style {default!r} is not defined")
        return cls(
            styles=styles,
            default_style=default,
            map_min_new_tokens=raw["map"]["min_new_tokens"],
            map_max_new_tokens=raw["map"]["max_new_tokens"],
            templates=templates,
        )

    def style(self, name: str | None) -> Style:
        chosen = name or self.default_style
        if chosen not in self.styles:
            raise UnknownStyle(f"unknown summary style {chosen!r}; choose one of {sorted(self.styles)}")
        return self.styles[chosen]

    def template(self, name: str | None) -> str:
        if name is None:
            return "{text}"
        if name not in self.templates:
            raise ValueError(f"prompt template {name!r} is not defined in templates.toml")
        return self.templates[name]
