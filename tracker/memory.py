"""Giving a worker's freed memory back to the system after a large response.

Building a 20,000-row PDF or XLSX, or reading a roster of that size, leaves tens of MB freed
inside the worker: in reference cycles the garbage collector reaches only in its rare full
collections (reportlab's document and its tables: about 6 MB after the summary PDF), and in
glibc's heaps, which keep what they grew to. A worker then stays at the size of its largest
download until it is recycled (bench/FINDINGS.md, Memory). After such a response has been sent,
a full collection and glibc's ``malloc_trim(0)`` return about 12 MB of the PDF's 20 (the rest is
what stays on purpose: the fonts, reportlab and openpyxl, loaded once per worker).

Both run in ``call_on_close``, after the last byte has gone, so the person downloading does not
wait; the collection holds the GIL for about 0.1 s of a worker's CPU (a million objects), which
is why only the few large responses ask for it, never a check-in. Where the C library has no
``malloc_trim`` (macOS, musl, Windows) only the collection runs.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable
from functools import cache

from flask import Response


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where this process's C library has none."""
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded: the C library's among them
        return libc.malloc_trim
    except (AttributeError, OSError, TypeError):  # TypeError: Windows takes no None
        return None


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
