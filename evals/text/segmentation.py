"""segmentation measurement (filled in by its owner)."""

from __future__ import annotations

from pathlib import Path


def section(data: Path) -> str:
    return "## segmentation\n\nNot measured yet."
