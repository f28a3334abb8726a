"""The participant's token, as the phone sends it: `Authorization: Bearer <token>`."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from .extensions import db
from .models import Participant, hash_token


def bearer_token() -> str | None:
    """The token from the Authorization header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def participant_for(token: str | None) -> Participant | None:
    """The participant holding this token (looked up by its hash), or None."""
    if not token:
        return None
    return db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
