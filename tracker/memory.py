"""Giving a worker's memory back to the system after a large file or import.

A summary of 20,000 people as XLSX or PDF, a daftar hadir, an import preview: each takes tens
of MB for a few seconds, and Python frees it when the response is done; but glibc's malloc
keeps the freed pages in its heaps (one arena per thread that allocated, and a gthread worker
has several), so the worker stayed at the size of its largest download until it was recycled.
``malloc_trim(0)`` hands the free pages of every arena back to the kernel; a full garbage
collection first frees what only cycles held (openpyxl's workbook and its sheets point at each
other). Both cost a few milliseconds, so they run only after the heavy responses, once the
response is closed (``release_after``), never on the door's requests.

``limit_arenas`` (gunicorn.conf.py, at each worker's start) caps glibc at two arenas, so the
threads share them instead of each growing its own. Where the C library is not glibc (musl,
macOS), both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import Any

from flask import Response

#: glibc's mallopt parameter for the number of arenas (malloc.h).
M_ARENA_MAX = -8


def _glibc() -> Any | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _glibc()


def release_memory() -> None:
    """Free what cycles hold, then give the C heap's free pages back to the system."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def release_after(response: Response) -> Response:
    """``response``, releasing memory once it has been sent (a streamed CSV included)."""
    response.call_on_close(release_memory)
    return response


def limit_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; False where that is not possible."""
    return _LIBC is not None and _LIBC.mallopt(M_ARENA_MAX, arenas) == 1
