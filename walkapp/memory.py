"""Memory freed after one photo is kept for the next, instead of going back to the system and being
asked for again.

No Flask here. A photo pin's processing allocates and frees some 40 MB (the decoded picture, its
strips, the copies the face detector reads). glibc's malloc hands freed memory at the top of a heap
back to the system once more than its trim threshold is free there, and serves large requests
with fresh mappings; in a worker every photo then touched all of it anew: 10,000 page faults and
16 ms of the kernel's time a photo, a fifth of its CPU (benchmarks/api.py, photo pins flat out).

So, once per process: requests below MMAP_THRESHOLD come from the heap, and up to TRIM_THRESHOLD of
free memory stays there. A worker keeps about 40-60 MB more resident (365-390 against 322-333 MB after
a run of photo pins); anything larger (a 50-megapixel PNG) is still mapped apart and returned at once.
Only glibc has these settings (mallopt(3)); elsewhere this does nothing, and MALLOC_TRIM_THRESHOLD_
or MALLOC_MMAP_THRESHOLD_ in the environment are left to decide.
"""

from __future__ import annotations

import ctypes
import os

MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024
# mallopt's parameter numbers (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

_done = False


def keep_freed_memory() -> bool:
    """Set glibc's thresholds once per process; whether they were set (False elsewhere)."""
    global _done
    if _done:
        return True
    if os.environ.get("MALLOC_TRIM_THRESHOLD_") or os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return False  # the operator's own setting stands
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (macOS, Windows)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success; musl has the function but it does nothing and returns 0.
    _done = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return _done
