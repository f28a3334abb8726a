"""The participant's token, as the phone sends it: `Authorization: Bearer <token>`."""

from __future__ import annotations

from flask import request
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import Participant, Walk, hash_token


def bearer_token() -> str | None:
    """The token from the Authorization header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


# Built once (a statement made per request cost as much as running it).
_PARTICIPANT = select(Participant).where(Participant.token_hash == bindparam("token_hash"))
_WITH_WALK = (select(Participant, Walk).join(Walk, Participant.walk_id == Walk.id)
              .where(Participant.token_hash == bindparam("token_hash")))


def participant_for(token: str | None, with_walk: bool = False) -> Participant | None:
    """The participant holding this token (looked up by its hash), or None; with_walk loads its walk in the same query."""
    if not token:
        return None
    if with_walk:
        row = db.session.execute(_WITH_WALK, {"token_hash": hash_token(token)}).one_or_none()
        if row is None:
            return None
        participant, walk = row
        set_committed_value(participant, "walk", walk)  # loaded together: reading it needs no query
        return participant
    return db.session.scalar(_PARTICIPANT, {"token_hash": hash_token(token)})
