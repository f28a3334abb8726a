"""Hold Python's cyclic garbage collector while a page of thousands of places is built and written.

Cards for 5,000 places are hundreds of thousands of small objects that all live until the page is
done. Every full collection walks all of them again, and building and templating them set off one
after another: 40 % of a 5,000-place protocol went to that. Reference counting still frees what is
no longer used; only reference cycles wait until the collector runs again after the block.

No Flask here. Keep the blocks short and bounded (never around a streamed answer, which can wait on
a slow client): the collector is one for the whole process, and every thread's garbage waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without cyclic garbage collection (nested and concurrent blocks are fine)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
