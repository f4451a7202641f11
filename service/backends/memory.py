"""The C heap of a serving process: fewer malloc arenas, and freed memory handed back once a model goes idle.

A batch's working memory (beam-search states, attention caches: megabytes per input) is freed when the batch
ends, but glibc keeps freed heap pages mapped for reuse, so a server's RSS stays at its busiest burst long
after it. `malloc_trim(0)` returns those pages; it costs a few milliseconds, so the batcher calls it only
when a batch leaves its model with nothing queued and no other replica busy (WIREBRIEF_MALLOC_TRIM).

glibc also gives threads that allocate at the same time arenas of their own, up to eight per core, and each
keeps its own free pages: a model's replica threads, the HTTP thread pool and the tokenizer each hold a peak
of their own. `limit_arenas` caps their number in-process (WIREBRIEF_MALLOC_ARENA_MAX), what
`GLIBC_TUNABLES=glibc.malloc.arena_max` does from outside, which no one sets on a server.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

#: mallopt's parameter number for the arena cap (glibc's malloc.h)
_M_ARENA_MAX = -8


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc (it has malloc_trim and mallopt), else None (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name)
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def release() -> bool:
    """Return the heap's free pages to the OS; False where that is not possible (not glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def limit_arenas(count: int) -> bool:
    """Let at most `count` malloc arenas exist from now on (0: glibc's own limit); False where not glibc.

    Arenas already made stay, so this belongs before the threads that allocate start.
    """
    libc = _glibc()
    if libc is None or count <= 0:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, count))
