"""SQLite writers take turns on a lock file beside the database (walkapp/write_queue.py): a writer
goes when the one before it has committed or rolled back, finds SQLite's write lock free then, and a
turn never given back is waited for only so long."""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import _clean_environment
from walkapp import create_app
from walkapp.db import begin_writing, will_write
from walkapp.extensions import db
from walkapp.models import ResponsibleParty
from walkapp.write_queue import Connection, lock_path


def connect(path, **kwargs) -> Connection:
    return sqlite3.connect(str(path), factory=Connection, isolation_level=None, check_same_thread=False, **kwargs)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (n INTEGER)")
    return path


def test_the_lock_file_lies_beside_the_database_and_memory_has_none():
    assert lock_path("/srv/walkapp/walkapp.sqlite") == "/srv/walkapp/walkapp.sqlite-writers"
    assert lock_path("file:/srv/w.sqlite?cache=shared", uri=True) == "/srv/w.sqlite-writers"
    assert lock_path(":memory:") is None
    assert lock_path("") is None
    assert lock_path("file:mem?mode=memory&cache=shared", uri=True) is None
    assert lock_path("file:/m.sqlite?vfs=memdb", uri=True) is None
    assert lock_path("file://localhost/srv/w.sqlite", uri=True) == "/srv/w.sqlite-writers"
    assert lock_path("instance/w.sqlite") == os.path.join(os.getcwd(), "instance", "w.sqlite-writers")


def test_a_writer_goes_when_the_one_before_commits_and_finds_sqlite_free(database):
    first, second = connect(database), connect(database, timeout=0)  # no busy handler to hide behind
    first.begin_immediate()
    first.execute("INSERT INTO t VALUES (1)")
    events = []

    def write():
        second.begin_immediate()  # SQLite would refuse at once if its lock were still held
        events.append("second began")
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(0.3)
    assert thread.is_alive() and events == []  # waiting its turn
    events.append("first committed")
    first.commit()
    thread.join(10)
    assert events == ["first committed", "second began"]
    assert [n for (n,) in first.execute("SELECT n FROM t ORDER BY n")] == [1, 2]


@pytest.mark.parametrize("end", ["commit", "rollback", "close", "dropped"])
def test_each_way_a_transaction_ends_gives_the_turn_back(database, end):
    """Also a connection dropped without close() (the pool closes its own)."""
    first, second = connect(database), connect(database)
    first.begin_immediate()
    assert not second.wait_turn(0.05)
    if end == "dropped":
        del first
        gc.collect()
    else:
        getattr(first, end)()
    assert second.wait_turn(0)


@pytest.mark.parametrize("how", ["with", "executescript"])
def test_transactions_ended_inside_sqlite3_give_the_turn_back(database, how):
    """`with conn:` and executescript commit in C, past the connection's commit()."""
    first, second = connect(database), connect(database)
    first.begin_immediate()
    if how == "with":
        with first:
            first.execute("INSERT INTO t VALUES (1)")
    else:
        first.executescript("INSERT INTO t VALUES (1);")  # commits the open transaction first
    assert second.wait_turn(0)


def test_a_forked_child_neither_shares_nor_ends_its_parents_turn(database):
    first, other = connect(database), connect(database)
    first.begin_immediate()
    pid = os.fork()
    if pid == 0:  # the child: its copy of `first` holds nothing, and closing it frees nothing
        try:
            took = first.wait_turn(0.05)
            first.close()
            os._exit(0 if not took else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not other.wait_turn(0.05)  # still the parent's
    first.commit()
    assert other.wait_turn(0)


def test_a_turn_never_given_back_is_waited_for_only_so_long(database):
    first, second = connect(database), connect(database)
    first.begin_immediate()
    assert not second.wait_turn(0.1)
    assert not second._holding  # nothing to give back


def test_a_refused_begin_gives_the_turn_back(database):
    """A writer outside the queue (the sqlite3 shell) holds SQLite's lock: ours is refused by SQLite
    after its busy timeout and does not keep the others waiting for a turn it cannot use."""
    outsider = sqlite3.connect(database, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    ours, next_one = connect(database, timeout=0.05), connect(database)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        ours.begin_immediate()
    assert next_one.wait_turn(0)


HOLDER = textwrap.dedent("""
    import sqlite3, sys
    from walkapp.write_queue import Connection
    conn = sqlite3.connect(sys.argv[1], factory=Connection, isolation_level=None)
    conn.begin_immediate()
    conn.execute("INSERT INTO t VALUES (7)")
    print("holding", flush=True)
    sys.stdin.readline()
    conn.commit()
    print("committed", flush=True)
    sys.stdin.readline()
""")


def test_writers_in_other_processes_wait_their_turn_too(database):
    """As gunicorn's workers do: each process its own connections, one lock file."""
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(database)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "holding"
        ours = connect(database, timeout=0)
        assert not ours.wait_turn(0.1)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
        ours.begin_immediate()
        ours.execute("INSERT INTO t VALUES (8)")
        ours.commit()
        assert [n for (n,) in ours.execute("SELECT n FROM t ORDER BY n")] == [7, 8]
        holder.stdin.write("\n")


@pytest.fixture
def sqlite_app(app_config, tmp_path, monkeypatch):
    """The app on a SQLite file, whichever database the other tests use: the queue is SQLite's."""
    _clean_environment(monkeypatch)
    app = create_app({**app_config, "DATABASE_URL": "sqlite:///" + str(tmp_path / "queue-app.sqlite")})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_apps_write_transactions_take_the_turn_and_reads_do_not(sqlite_app):
    app = sqlite_app
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
        other = connect(db.engine.url.database)
        will_write(False)
        db.session.scalar(select(func.count()).select_from(ResponsibleParty))
        assert other.wait_turn(0)  # a read leaves the turn free
        other.end_turn()
        begin_writing(db.session())  # the pin's path: a read, then the write lock
        assert not other.wait_turn(0.05)
        db.session.add(ResponsibleParty(name="Gatukontoret", kind="forvaltning"))
        db.session.commit()
        assert other.wait_turn(0)
        other.end_turn()
        will_write(True)
        db.session.add(ResponsibleParty(name="Parkenheten", kind="forvaltning"))
        db.session.flush()  # a writing request's transaction begins with the turn
        assert not other.wait_turn(0.05)
        db.session.rollback()
        assert other.wait_turn(0)
