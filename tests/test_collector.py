"""The garbage collector is held inside collector.paused() and given back as it was found."""

from __future__ import annotations

import gc
import threading

import pytest

from walkapp import collector


@pytest.fixture(autouse=True)
def _restore_collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_held_inside_and_back_after():
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_given_back_after_an_error():
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector.paused():
        1 / 0
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_overlapping_threads_give_it_back_once_both_leave():
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other():
        with collector.paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread is still inside
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_the_apps_own_objects_are_frozen_once_per_process(app):
    """After the first app is built its objects are out of the collector's way (gc.freeze); later apps
    (tests build hundreds) freeze nothing more, so nothing of theirs is kept from being freed."""
    from walkapp import create_app

    frozen = gc.get_freeze_count()
    assert frozen > 50_000  # the modules, the app, its mappers: the bulk of a worker's objects
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": "sqlite://"})
    assert gc.get_freeze_count() <= frozen  # (frozen objects can still be freed by their count)
