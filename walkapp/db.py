"""The SQLAlchemy base with a constraint naming convention, and SQLite settings for concurrent phones."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from . import write_queue

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Reads through memory-mapped pages, shared by every connection and worker (the OS's page cache),
# instead of copies into each connection's 2 MB page cache: the planners' exports of thousands of
# places took 10 % less and grew linearly with them (benchmarks/planner_pages.py).
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


@event.listens_for(Engine, "do_connect")
def _sqlite_connection_class(dialect, connection_record, cargs, cparams):
    """SQLite connections whose writers wait their turn on a lock file (write_queue.py)."""
    if dialect.name == "sqlite":
        cparams.setdefault("factory", write_queue.Connection)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Foreign keys on, WAL journal, memory-mapped reads, a busy timeout; and let SQLAlchemy emit BEGIN itself."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling issues BEGIN late and DEFERRED; see _sqlite_begin.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cur.close()


# Whether the next SQLite transaction may write. A request that only reads (GET) never takes the
# write lock; one that writes takes it at BEGIN. create_pin reads first, then says it will write.
_writes = ContextVar("walkapp_writes", default=True)


def will_write(flag: bool = True) -> None:
    """Say whether the transactions this request begins from now on may write (SQLite only)."""
    _writes.set(flag)


def statements_alone(session) -> None:
    """PostgreSQL: run this session's statements each in its own implicit transaction until
    begin_writing asks for a real one. A request that reads a few rows and then writes one row
    needs no BEGIN and no COMMIT: two round trips to the server instead of four. Call it before
    the session's first statement; on SQLite it does nothing (its transactions cost no round trip)."""
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def begin_writing(session, alone: bool = False) -> None:
    """From here on this request writes: on SQLite, a read transaction the session holds is ended
    and the write lock taken on the same connection (COMMIT, BEGIN IMMEDIATE), which costs two
    statements instead of a commit of the session and a new transaction. Objects the session has
    read stay loaded. Without an open transaction the next one begins with the write lock.

    `alone`: what follows is one statement, atomic by itself, so a session that runs statements
    alone (statements_alone) may go on doing so; otherwise it gets a real transaction."""
    will_write(True)
    if not session.in_transaction():
        return
    conn = session.connection()
    if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        if not alone:
            # The connection goes back to the pool (its isolation level reset); the next
            # statement begins a transaction on one in the default level.
            session.commit()
        return
    if conn.dialect.name != "sqlite" or conn.info.get(_WRITE_LOCK, True):
        return
    dbapi = conn.connection.dbapi_connection
    dbapi.execute("COMMIT")
    _begin_immediate(dbapi, dbapi.execute)
    conn.info[_WRITE_LOCK] = True


def _begin_immediate(dbapi, execute) -> None:
    """BEGIN IMMEDIATE, in turn behind the writers of other connections (write_queue.py)."""
    if isinstance(dbapi, write_queue.Connection):
        dbapi.begin_immediate(execute)
    else:
        execute("BEGIN IMMEDIATE")


# Whether the SQLite transaction a connection is in began with the write lock.
_WRITE_LOCK = "walkapp_write_lock"


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Start a SQLite transaction that may write with BEGIN IMMEDIATE, a read-only one with BEGIN.

    A deferred transaction that reads and then writes fails at once with "database is locked" when
    another phone wrote in between (the busy timeout does not apply to that upgrade). Taking the
    write lock at BEGIN makes concurrent writers wait their turn instead (write_queue.py, then the
    busy timeout); readers in WAL mode never wait, so they begin deferred.
    """
    if conn.dialect.name == "sqlite":
        writes = _writes.get()
        if writes:
            _begin_immediate(conn.connection.dbapi_connection, conn.exec_driver_sql)
        else:
            conn.exec_driver_sql("BEGIN")
        conn.info[_WRITE_LOCK] = writes
