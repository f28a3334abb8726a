"""Backup and restore of one instance: its database and its photos, together in one folder.

`flask backup DEST` writes, while the app keeps running:

    DEST/database.sqlite   SQLite: a consistent copy by SQLite's online backup API
    DEST/database.dump     PostgreSQL: pg_dump's custom format (one consistent snapshot)
    DEST/photos/ab/<sha256>.jpg, …thumb.jpg   every object of the photo store, folder or bucket
    DEST/manifest.json     written last: what the backup holds, with a SHA-256 of every file

`flask restore SRC` puts such a folder into the instance the configuration names (a new, empty
database; any photo store) and checks every file against the manifest first.

The database is copied before the photos. Photos are named by their content and are only added or
deleted, so every photo the copied database refers to is in the store when the photos are copied,
unless it was deleted in between on purpose (retention, a participant deleting a pin).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from .db import will_write
from .photos import ProcessedPhoto
from .photostore import PhotoStore

FORMAT = 1
MANIFEST = "manifest.json"
PHOTOS = "photos"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.dump"}
_OBJECT = re.compile(r"(?P<dir>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})(?P<thumb>\.thumb)?\.jpg")
# What the summary counts; every table is copied.
COUNTED = ("walks", "pins", "photos", "locations", "audit_events", "users")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclasses.dataclass
class Manifest:
    """What one backup folder holds."""

    database: str
    revision: str | None
    created_at: str
    counts: dict[str, int]
    files: dict[str, str]  # relative path → SHA-256 of its bytes
    format: int = FORMAT

    def photo_names(self) -> list[str]:
        """The photo store objects in the backup, by their names in the store."""
        prefix = PHOTOS + "/"
        return sorted(name[len(prefix):] for name in self.files if name.startswith(prefix))

    def summary(self) -> str:
        """One line for the operator."""
        counts = ", ".join(f"{n} {table}" for table, n in self.counts.items())
        return f"{self.database} database (revision {self.revision or 'unknown'}): {counts}; {len(self.photo_names())} photo files"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _kind(engine) -> str:
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"cannot back up a {name} database (SQLite and PostgreSQL only)")
    return name


def _counts(session) -> dict[str, int]:
    tables = set(inspect(session.connection()).get_table_names())
    return {t: session.scalar(select(func.count()).select_from(text(t))) for t in COUNTED if t in tables}


def _revision(session) -> str | None:
    if "alembic_version" not in inspect(session.connection()).get_table_names():
        return None
    return session.scalar(text("SELECT version_num FROM alembic_version"))


def _pg_command(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address for pg_dump/pg_restore, and the environment that carries the password
    (never on the command line, where other users of the machine could read it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client programs, of the server's "
                          "major version or newer (Debian: postgresql-client)")
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()}")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("the SQLite database is in memory: nothing to back up")
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page, consistently, even while others write to it."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup(session, store: PhotoStore, dest: Path) -> Manifest:
    """Copy the database, then every photo, into the folder `dest` (new or empty); returns its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for each backup")
    engine = session.get_bind()
    kind = _kind(engine)
    dest.mkdir(parents=True, exist_ok=True)
    will_write(False)  # SQLite: our reads never take the write lock the phones need
    try:
        # Figures for the operator, read just before the copy (the copy itself is one snapshot).
        counts, revision = _counts(session), _revision(session)
        session.rollback()  # no transaction of ours stays open while the copy runs
    finally:
        will_write(True)
    database = dest / DATABASE_FILES[kind]
    if kind == "sqlite":
        _copy_sqlite(_sqlite_path(engine.url), database)
        # One self-contained file: the copy gets no write-ahead log beside it.
        conn = sqlite3.connect(database)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    else:
        address, env = _pg_command(engine.url)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(database), "--dbname", address], env, "pg_dump")
    files = {database.name: _sha256_file(database)}
    for name in store.names():
        match = _OBJECT.fullmatch(name)
        if match is None:
            continue  # not a photo (a stray file in the folder): the app never reads it
        data = store.open(match["sha"], "thumb" if match["thumb"] else "full")
        if data is None:
            continue  # deleted since it was listed
        target = dest / PHOTOS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[f"{PHOTOS}/{name}"] = hashlib.sha256(data).hexdigest()
    manifest = Manifest(database=kind, revision=revision, counts=counts, files=files,
                        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    _write_manifest(dest / MANIFEST, manifest)
    return manifest


def _write_manifest(path: Path, manifest: Manifest) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(dataclasses.asdict(manifest), f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_manifest(src: Path) -> Manifest:
    """The manifest of a backup folder; refuses a folder without one (an unfinished backup)."""
    try:
        raw = json.loads((Path(src) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} has no {MANIFEST}: not a backup, or one that did not finish") from None
    if raw.get("format") != FORMAT:
        raise BackupError(f"{src} is a backup of format {raw.get('format')!r}; this version reads format {FORMAT}")
    return Manifest(**raw)


def verify(src: Path, manifest: Manifest) -> None:
    """Check every file of the backup against the manifest, and that every photo has both its versions
    under its own name; raise naming the first that is wrong."""
    for name, digest in sorted(manifest.files.items()):
        path = Path(src) / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256_file(path) != digest:
            raise BackupError(f"{name} in the backup is damaged (its SHA-256 differs from the manifest)")
    names = set(manifest.photo_names())
    for name in sorted(names):
        match = _OBJECT.fullmatch(name)
        if match is None:
            raise BackupError(f"{PHOTOS}/{name} is not a photo of the store")
        other = f"{match['dir']}/{match['sha']}{'' if match['thumb'] else '.thumb'}.jpg"
        if other not in names:
            raise BackupError(f"{PHOTOS}/{other} is missing: every photo is kept with its thumbnail")
        if not match["thumb"] and manifest.files[f"{PHOTOS}/{name}"] != match["sha"]:
            raise BackupError(f"{PHOTOS}/{name} is not the photo its name says")


def _holds_data(session) -> list[str]:
    """The app's tables in the target database that already have rows."""
    from .db import db

    existing = set(inspect(session.connection()).get_table_names())
    return [t.name for t in db.metadata.sorted_tables
            if t.name in existing and session.scalar(select(func.count()).select_from(t))]


def restore(session, store: PhotoStore, src: Path) -> Manifest:
    """Put a backup into this instance: its database (which must be empty) and its photos (into any store)."""
    src = Path(src)
    manifest = read_manifest(src)
    verify(src, manifest)
    engine = session.get_bind()
    kind = _kind(engine)
    if kind != manifest.database:
        raise BackupError(f"the backup is of a {manifest.database} database and this instance uses {kind}: "
                          "restore into the same kind of database")
    full = _holds_data(session)
    if full:
        raise BackupError("the database already holds data (" + ", ".join(full) + "): restore into a new, "
                          "empty database, never over a running instance")
    session.rollback()
    session.close()
    engine.dispose()  # no connection of ours holds a lock while the database is replaced
    database = src / DATABASE_FILES[kind]
    if kind == "sqlite":
        target = _sqlite_path(engine.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(database, target)
    else:
        address, env = _pg_command(engine.url)
        # --clean --if-exists: an empty schema made by `flask db upgrade` is replaced; all or nothing.
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists",
              "--single-transaction", "--exit-on-error", "--dbname", address, str(database)], env, "pg_restore")
    _restore_photos(store, src, manifest)
    return manifest


def _restore_photos(store: PhotoStore, src: Path, manifest: Manifest) -> None:
    """Put every photo of the backup into the store, through its own `put` (durable, thumbnail first)."""
    for name in manifest.photo_names():  # checked by verify: both versions, named by the full size's hash
        match = _OBJECT.fullmatch(name)
        if match["thumb"]:
            continue
        full = (src / PHOTOS / name).read_bytes()
        thumb = (src / PHOTOS / f"{match['dir']}/{match['sha']}.thumb.jpg").read_bytes()
        store.put(_stored_photo(match["sha"], full, thumb))


def _stored_photo(sha: str, full: bytes, thumb: bytes) -> ProcessedPhoto:
    """A photo as the store keeps it, from its two stored files (sizes from their headers)."""
    from PIL import Image

    with Image.open(io.BytesIO(full)) as big, Image.open(io.BytesIO(thumb)) as small:
        return ProcessedPhoto(sha256=sha, full=full, thumb=thumb, width=big.width, height=big.height,
                              thumb_width=small.width, thumb_height=small.height)


def _store() -> PhotoStore:
    from flask import current_app

    return current_app.extensions["walkapp_photo_store"]


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path):
    """Back up the database and the photos into the new folder DEST (the app may keep running)."""
    from .extensions import db

    try:
        manifest = backup(db.session, _store(), dest)
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Backed up into {dest}: {manifest.summary()}.")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(src: Path):
    """Restore a backup folder into this instance: a new, empty database and any photo store."""
    from .extensions import db

    try:
        manifest = restore(db.session, _store(), src)
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Restored from {src}: {manifest.summary()}.")
    click.echo("Then run `flask db upgrade`: a backup from an older version gets the newer schema.")
