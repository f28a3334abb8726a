"""The data model: staff, walks, anonymous participants, pins, photos, locations and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import vocab
from .db import db


def utcnow() -> dt.datetime:
    """Now in UTC, naive: every timestamp in the database is UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    """The stored form of a participant token: only its SHA-256 is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def _in(column: str, values) -> str:
    return "%s IN (%s)" % (column, ", ".join("'%s'" % v for v in values))


walk_staff = Table(
    "walk_staff",
    db.metadata,
    Column("walk_id", ForeignKey("walks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", vocab.ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Part of every login session: logging out, a new password or deactivation bumps it, and every
    # session made before is dead, wherever its cookie was saved.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The base32 secret of a confirmed authenticator app (TOTP), and the last time step used, so a
    # code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    walks: Mapped[list[Walk]] = relationship(secondary=walk_staff, back_populates="staff")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """The session's user id carries the generation: a bumped generation ends every older session."""
        return f"{self.id}:{self.session_generation}"


class WalkFacts:
    """What follows from a walk's columns: for a Walk, and for the columns a pin reads of its walk
    without the ORM (participant/sender.py)."""

    __slots__ = ()

    @property
    def category_keys(self) -> list[str]:
        return [c["key"] for c in self.categories]

    @property
    def accepting_since(self) -> dt.datetime | None:
        """When the walk first took pins: the early period's start, else the walk's opening."""
        return self.early_opened_at or self.opened_at


class Walk(WalkFacts, db.Model):
    __tablename__ = "walks"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.WALK_STATUSES), name="status"),
        CheckConstraint("light IS NULL OR " + _in("light", vocab.LIGHT), name="light"),
        CheckConstraint("length(join_code) = %d" % vocab.JOIN_CODE_LENGTH, name="join_code_length"),
        CheckConstraint("cluster_eps_m > 0", name="cluster_eps_positive"),
        CheckConstraint("cluster_min_samples >= 1", name="cluster_min_samples_positive"),
        CheckConstraint("center_lat BETWEEN -90 AND 90 AND center_lon BETWEEN -180 AND 180", name="center"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(vocab.JOIN_CODE_LENGTH), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    meeting_place: Mapped[str | None] = mapped_column(String(200))
    light: Mapped[str | None] = mapped_column(String(16))
    # The area as a GeoJSON Polygon (WGS84); its centroid is kept for pins placed without the map.
    area_geojson: Mapped[str] = mapped_column(Text)
    center_lat: Mapped[float] = mapped_column(Float)
    center_lon: Mapped[float] = mapped_column(Float)
    # [{"name": "Stopp 1 – Mittpunkten", "lat": 57.1, "lon": 12.2}, …]
    stops: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"key": "belysning", "label": "Belysning"}, …]; keys of added categories are made from labels.
    categories: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=vocab.default_categories)
    share_pins: Mapped[bool] = mapped_column(Boolean, default=False)
    # The leader stopped new participants from joining (a leaked code); those already in go on.
    joins_closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    photo_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    cluster_eps_m: Mapped[float] = mapped_column(Float, default=25.0)
    cluster_min_samples: Mapped[int] = mapped_column(Integer, default=2)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("walks.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Heard before the walk: when the map opened for pins before the walk day (status "early").
    early_opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Locations reviewed by the leader and handed to planners.
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The public feedback page (återkoppling) at the QR link.
    feedback_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The closing meeting (återträff) 2–3 weeks after the walk, where the responsible parties answer:
    # when and where (the protocol prints them), and the notes taken there.
    closing_meeting_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closing_meeting_place: Mapped[str | None] = mapped_column(String(200))
    closing_meeting_notes: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    staff: Mapped[list[User]] = relationship(secondary=walk_staff, back_populates="walks")
    participants: Mapped[list[Participant]] = relationship(back_populates="walk", passive_deletes=True)
    pins: Mapped[list[Pin]] = relationship(back_populates="walk", passive_deletes=True)

    @property
    def area(self):
        """The area as a shapely geometry."""
        from shapely.geometry import shape

        return shape(json.loads(self.area_geojson))

    def category_label(self, key: str) -> str:
        for c in self.categories:
            if c["key"] == key:
                return c["label"]
        return vocab.CATEGORIES.get(key, key)


class RetiredJoinCode(db.Model):
    """A join code a walk had before the leader gave it a new one (a leaked code).

    Nobody can join with it any more, but phones that joined with it keep working: their token
    still opens the walk under the old code.
    """

    __tablename__ = "retired_join_codes"
    __table_args__ = (CheckConstraint("length(code) = %d" % vocab.JOIN_CODE_LENGTH, name="code_length"),)

    code: Mapped[str] = mapped_column(String(vocab.JOIN_CODE_LENGTH), primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Participant(db.Model):
    """An anonymous participant: nothing but a hashed random token kept on their phone."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set when a leader blocked this token: it can send nothing more, and its pins are hidden.
    blocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    walk: Mapped[Walk] = relationship(back_populates="participants")


class Location(db.Model):
    """A place that one or more pins describe: the unit planners act on. Lives across walks."""

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.LOCATION_STATUSES), name="status"),
        CheckConstraint(
            "NOT (" + _in("status", vocab.STATUSES_NEEDING_REASON) + ") OR (status_reason IS NOT NULL AND status_reason <> '')",
            name="reason_when_not_fixed",
        ),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="centroid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # True once staff wrote the name: re-clustering then leaves it alone.
    name_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the suggested name says, as values (location_facts.name_facts): the name is said from them in
    # the viewer's language unless staff wrote it; `name` keeps the Swedish one for search and sorting.
    name_facts: Mapped[dict | None] = mapped_column(JSON)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    footprint_geojson: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="ny")
    status_reason: Mapped[str | None] = mapped_column(Text)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_parties.id", ondelete="SET NULL"))
    proposed_action: Mapped[str | None] = mapped_column(Text)
    public_note: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    # The reasons beside the priority as values (location_facts.Priority.facts), said at view time;
    # priority_reasons is their Swedish text, read only where the facts are missing (older rows).
    priority_facts: Mapped[dict | None] = mapped_column(JSON)
    priority_reasons: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    first_reported: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_reported: Mapped[dt.datetime | None] = mapped_column(DateTime)
    origin_walk_id: Mapped[int | None] = mapped_column(ForeignKey("walks.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    responsible: Mapped[ResponsibleParty | None] = relationship()
    pins: Mapped[list[Pin]] = relationship(back_populates="location")


class ResponsibleParty(db.Model):
    """A department or property owner that can be made responsible for a location."""

    __tablename__ = "responsible_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where its items are mailed (party_links.py); without one the party cannot be sent anything.
    email: Mapped[str | None] = mapped_column(String(254))


class Pin(db.Model):
    """One observation by one person at one place."""

    __tablename__ = "pins"
    __table_args__ = (
        UniqueConstraint("walk_id", "client_id"),
        CheckConstraint(vocab.RATING_CHECK, name="rating"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy"),
        CheckConstraint("light IS NULL OR " + _in("light", vocab.LIGHT), name="light"),
        CheckConstraint("(participant_id IS NULL) <> (user_id IS NULL)", name="one_author"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"))  # indexed by (walk_id, client_id)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The phone's UUID for this pin: retries carry it, so it is the idempotency key.
    client_id: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[int] = mapped_column(Integer)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    # Set when a moderator redacts the comment; shown to admins only.
    comment_original: Mapped[str | None] = mapped_column(Text)
    # A leader or planner read the words and let them go public (feedback page, participants'
    # protocol, Open311); a changed comment needs approval again.
    comment_approved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    light: Mapped[str | None] = mapped_column(String(16))
    # Placed without the map: at a named stop, or only described in words (then at the walk centre).
    unplaced: Mapped[bool] = mapped_column(Boolean, default=False)
    stop_name: Mapped[str | None] = mapped_column(String(200))
    place_description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The phone's clock was far off (before the walk opened, or in the future): taken_at is our receive time.
    clock_unreliable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # SHA-256 of what the phone first sent under client_id: a retry must send the same, or it is refused.
    client_fingerprint: Mapped[str | None] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # Sent while the walk was open before the walk day, by someone who could not come ("före vandringen").
    before_walk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "Oro – behöver åtgärd": what the youth told may be about abuse, a threat or self-harm. Such a
    # pin is hidden (never published) and listed apart for the adults to act on; set when and by whom.
    concern_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    concern_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"), index=True)
    # Staff moved this pin to its location by hand: clustering never moves it again.
    location_locked: Mapped[bool] = mapped_column(Boolean, default=False)

    walk: Mapped[Walk] = relationship(back_populates="pins")
    participant: Mapped[Participant | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    location: Mapped[Location | None] = relationship(back_populates="pins")
    photo: Mapped[Photo | None] = relationship(back_populates="pin", cascade="all, delete-orphan", uselist=False)
    # Loaded with the pins (one more query per batch, not one per pin): the figures count them.
    agreements: Mapped[list[Agreement]] = relationship(back_populates="pin", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="Agreement.id", lazy="selectin")

    @property
    def is_unsafe(self) -> bool:
        return self.rating in vocab.UNSAFE_RATINGS


class Agreement(db.Model):
    """"Jag håller med": another participant says a pin is their place and feeling too. Its own record
    pointing at the pin (not a copy): a voice in the place's figures, with its own rating and words
    when the youth gave them (else the pin's rating counts)."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("walk_id", "client_id"),
        UniqueConstraint("pin_id", "participant_id"),
        CheckConstraint("rating IS NULL OR " + vocab.RATING_CHECK, name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    # The phone's UUID for this agreement, its idempotency key as for pins.
    client_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    comment_approved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    pin: Mapped[Pin] = relationship(back_populates="agreements")
    participant: Mapped[Participant] = relationship()

    @property
    def felt(self) -> int:
        """The rating this voice counts with: its own, or the pin's."""
        return self.rating if self.rating is not None else self.pin.rating


class Photo(db.Model):
    """The processed, metadata-free copy of a pin's photo; the file is named by its content hash."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("width > 0 AND height > 0 AND bytes > 0", name="dimensions"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id", ondelete="CASCADE"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    # The rectangles of the full size that were blurred, {"x", "y", "w", "h", "by": "auto" | "manual"}
    # (faces.py); None for a photo stored before faces were blurred.
    blurred: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    pin: Mapped[Pin] = relationship(back_populates="photo")


class AuditEvent(db.Model):
    """Who changed what and when: location follow-up, moderation, walk and account changes."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    walk_id: Mapped[int | None] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    pin_id: Mapped[int | None] = mapped_column(ForeignKey("pins.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Set when a responsible party did it through its link (no user): the history names the party.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_parties.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship()
    party: Mapped[ResponsibleParty | None] = relationship()


class PartyLink(db.Model):
    """A personal link that lets a responsible party answer for its items of one walk, without an account.

    Only the SHA-256 of the link's token is kept. A link ends when it expires, when a planner revokes
    it, or when a newer link for the same party and walk replaces it (sent again, or a reminder).
    """

    __tablename__ = "party_links"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("responsible_parties.id", ondelete="CASCADE"), index=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address it was mailed to, as it was then.
    email: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("party_links.id", ondelete="SET NULL"))
    # Why it was made: the planner sent it, or `flask remind` sent a reminder with it.
    reminder: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    party: Mapped[ResponsibleParty] = relationship()
    walk: Mapped[Walk] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class PartyAnswer(db.Model):
    """A responsible party's answer for one item: a proposal, in the place's history at once, that
    changes the place only when a planner accepts it (or corrects and accepts it)."""

    __tablename__ = "party_answers"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.PARTY_ANSWERS), name="status"),
        CheckConstraint(
            "NOT (" + _in("status", vocab.STATUSES_NEEDING_REASON) + ") OR (reason IS NOT NULL AND reason <> '')",
            name="reason_when_not_fixed",
        ),
        CheckConstraint("decision IS NULL OR " + _in("decision", vocab.ANSWER_DECISIONS), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("responsible_parties.id", ondelete="CASCADE"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("party_links.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # When it is planned to be done (Planerad, Pågår) or was done (Åtgärdad).
    date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    location: Mapped[Location] = relationship()
    party: Mapped[ResponsibleParty] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
