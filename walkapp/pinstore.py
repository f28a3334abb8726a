"""Storing and removing pins with their photos, so nothing is lost, doubled or left behind."""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, insert, select

from . import photos
from .photostore import PhotoStore
from .extensions import db
from .models import Photo, Pin, utcnow


def store() -> PhotoStore:
    """The app's photo store (the upload folder, or an S3 bucket: WALKAPP_PHOTO_STORAGE)."""
    return current_app.extensions["walkapp_photo_store"]


def store_files(processed: photos.ProcessedPhoto) -> None:
    """Store a processed photo (durably) before the transaction that refers to it.

    If that transaction fails, discard_if_unreferenced removes it again.
    """
    store().put(processed)


# Built once: a statement made per request cost as much as running it.
_INSERT_PIN = insert(Pin.__table__)
_INSERT_PHOTO = insert(Photo.__table__)


def insert_pin(values: dict, photo: photos.ProcessedPhoto | None) -> SimpleNamespace:
    """Store a new pin and its photo row with plain INSERTs, no unit of work (every phone's pin takes
    this path); the photo must be stored already. Returns the stored row with its id (and `photo`) as
    plain attributes, for the answer: no ORM object is made. Raises IntegrityError when the
    client_id is taken."""
    now = utcnow()
    row = {"hidden": False, "unplaced": False, "comment_approved": False, "clock_unreliable": False,
           "location_locked": False, "before_walk": False, **values, "created_at": now, "updated_at": now}
    conn = db.session.connection()  # Core statements on the connection: Session.execute adds ORM bookkeeping
    pin_id = conn.execute(_INSERT_PIN, row).inserted_primary_key[0]
    photo_row = None
    if photo is not None:
        photo_row = {"pin_id": pin_id, "sha256": photo.sha256, "width": photo.width, "height": photo.height,
                     "bytes": len(photo.full), "thumb_width": photo.thumb_width, "thumb_height": photo.thumb_height,
                     "blurred": photo.blurred_record(), "created_at": now}
        conn.execute(_INSERT_PHOTO, photo_row)
    return SimpleNamespace(id=pin_id, **row, photo=photo_row and SimpleNamespace(**photo_row))


def attach_photo(pin: Pin, processed: photos.ProcessedPhoto, stored: bool = False) -> None:
    """Give the pin this processed photo (replacing any other), storing it unless `stored`."""
    old = pin.photo.sha256 if pin.photo else None
    if pin.photo is not None:
        db.session.delete(pin.photo)
        db.session.flush()
    pin.photo = Photo(
        sha256=processed.sha256,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.full),
        thumb_width=processed.thumb_width,
        thumb_height=processed.thumb_height,
        blurred=processed.blurred_record(),
    )
    if not stored:  # the API stores first, outside the transaction (store_files)
        store().put(processed)
    # The row itself may not change: mark it, so phones showing the old photo know to fetch the new one.
    pin.updated_at = utcnow()
    if old and old != processed.sha256:
        pending_file_removals().add(old)


def replace_blurred(pin: Pin, processed: photos.ProcessedPhoto) -> None:
    """Put a photo blurred further by hand (photos.blur_areas) in place of the pin's, storing it now;
    the less blurred files are deleted after the commit (pinstore.commit), so they are never kept."""
    photo = pin.photo
    old = photo.sha256
    store().put(processed)
    photo.sha256 = processed.sha256
    photo.bytes = len(processed.full)
    photo.width, photo.height = processed.width, processed.height
    photo.thumb_width, photo.thumb_height = processed.thumb_width, processed.thumb_height
    photo.blurred = list(photo.blurred or []) + [box.record("manual") for box in processed.blurred]
    pin.updated_at = utcnow()  # phones showing the old photo fetch the new one
    if old != processed.sha256:
        pending_file_removals().add(old)


def remove_photo(pin: Pin) -> None:
    """Delete the pin's photo row; its file goes once nothing refers to it."""
    if pin.photo is not None:
        pending_file_removals().add(pin.photo.sha256)
        db.session.delete(pin.photo)
        pin.updated_at = utcnow()


def pending_file_removals() -> set[str]:
    """Content hashes whose files may be deleted after the next commit."""
    return db.session.info.setdefault("walkapp_removed_photos", set())


def commit() -> None:
    """Commit, then delete the photo files that no row refers to any more."""
    removed = pending_file_removals()
    db.session.commit()
    for sha in list(removed):
        discard_if_unreferenced(sha)
    removed.clear()


def discard_if_unreferenced(sha256: str) -> None:
    """Delete a stored photo when no photo row uses it (after a failed commit, or a removal)."""
    count = db.session.scalar(select(func.count()).select_from(Photo).where(Photo.sha256 == sha256))
    if not count:
        store().delete(sha256)
