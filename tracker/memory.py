"""Giving a worker's freed memory back to the system after a large response.

Building a 20,000-row PDF or XLSX, or reading a roster of that size, leaves tens of MB freed
inside the worker: in reference cycles the garbage collector reaches only in its rare full
collections (reportlab's document and its tables: about 6 MB after the summary PDF), and in
glibc's heaps, which keep what they grew to. A worker then stays at the size of its largest
download until it is recycled (bench/FINDINGS.md, Memory). After such a response has been sent,
a full collection and glibc's ``malloc_trim(0)`` return about 12 MB of the PDF's 20 (the rest is
what stays on purpose: the fonts, reportlab and openpyxl, loaded once per worker).

The collection and the trim run in ``call_on_close``, after the last byte has gone, so the
person downloading does not wait; the collection holds the GIL for about 0.1 s of a worker's
CPU (a million objects), which is why only the few large responses ask for it, never a
check-in. Where the C library has no
``malloc_trim`` (macOS, musl, Windows) only the collection runs.

Besides, each worker asks glibc to give every allocation of 128 KB or more its own mapping
(``mallopt(M_MMAP_THRESHOLD)``, from gunicorn.conf.py). By default glibc raises that threshold
after the first large block is freed, up to 32 MB, and from then on serves the buffers of
downloads and of large queries from its heaps, which they fragment: measured in one worker over
the bench's requests, 159.5 MB against 162.4 at the end.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable
from functools import cache

from flask import Response

#: mallopt's parameter number for the threshold (glibc's malloc.h).
M_MMAP_THRESHOLD = -3
#: From this size up an allocation gets its own mapping, handed back to the system when freed.
MMAP_THRESHOLD = 128 * 1024


def _libc(name: str) -> Callable[..., int] | None:
    """A function of this process's C library, or None where it has no such function (glibc's
    malloc_trim and mallopt: not on macOS, musl or Windows)."""
    try:
        return getattr(ctypes.CDLL(None), name)  # the symbols already loaded: libc's among them
    except (AttributeError, OSError, TypeError):  # TypeError: Windows takes no None
        return None


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    return _libc("malloc_trim")


def map_large_allocations() -> bool:
    """Give each allocation from MMAP_THRESHOLD up its own mapping, for good (gunicorn's
    post_fork); False where the C library cannot."""
    mallopt = _libc("mallopt")
    return mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


def release_memory() -> None:
    """Collect reference cycles, then hand glibc's free pages back to the system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def release_after(response: Response) -> Response:
    """``response``, which gives the worker's freed memory back once it has been sent."""
    response.call_on_close(release_memory)
    return response
