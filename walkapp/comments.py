"""Which of the youths' words go public: each comment is approved by a leader or planner, one by one.

Until then a comment is seen by staff only (live map, moderation, action list); the feedback page,
the protocol (which participants receive) and Open311 show approved words only. Changing the words
(the author's edit, a redaction) takes the approval back.
"""

from __future__ import annotations

from . import audit
from .models import Pin, User


def set_approved(pin: Pin, approved: bool, user: User) -> bool:
    """Approve a pin's comment for the public, or take the approval back; logged. True if it changed."""
    if not pin.comment or pin.comment_approved == approved:
        return False
    audit.record("comment_approved" if approved else "comment_unapproved", user, pin=pin,
                 field="comment_approved", old=pin.comment_approved, new=approved)
    pin.comment_approved = approved
    return True
