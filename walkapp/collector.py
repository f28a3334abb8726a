"""Hold Python's cyclic garbage collector while a page of thousands of places is built and written,
and keep the objects the app is made of out of its way.

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


_frozen = False


def freeze_startup() -> None:
    """Once per process, when the app is built: the objects that exist now (the modules, the app, its
    models and mappers, about 135,000 in all) go to the collector's permanent generation (gc.freeze),
    after a collection of what is already garbage. A full collection then walks only what requests
    have made: it walked all of them before and took about 70 ms each time, which a planner's export
    of 5,000 places ran into about every other time. They live as long as the process anyway; one
    of them that later becomes garbage in a cycle is simply never freed, and the app makes no more
    than one such set (tests build many apps: only the first is frozen)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
