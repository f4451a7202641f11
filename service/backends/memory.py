"""Handing freed memory back to the operating system once a model goes idle.

A batch's working memory (beam-search states, attention caches: megabytes per input) is freed when the batch
ends, but glibc keeps freed heap pages mapped for reuse, so a server's RSS stays at its busiest burst long
after it. `malloc_trim(0)` returns those pages; it costs a few milliseconds, so the batcher calls it only
when a batch leaves its model with nothing queued and no other replica busy (WIREBRIEF_MALLOC_TRIM).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(name), "malloc_trim", None)
    return trim


def release() -> bool:
    """Return the heap's free pages to the OS; False where that is not possible (not glibc)."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
