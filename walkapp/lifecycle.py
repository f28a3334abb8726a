"""A walk's life cycle in one place: open, close, reopen, back to draft; publishing its places to the
planners and its feedback page to the public, and taking them back; late pins and re-clustering.

Each operation changes the walk, writes its audit records and returns what the view needs to say;
it refuses (LifecycleRefused, with a message a person can act on) what would break a rule. The
views (leader/walks.py, leader/review.py, planner/feedback.py) and the participant API only call it.

    draft ──open──▶ open ──close──▶ closed ──publish──▶ published to planners ──feedback──▶ public
      ◀─back to draft─┘  ◀──reopen──┘      ◀─withdraw──┘                     ◀─take down─┘
    draft ──open early──▶ early ──open──▶ open   (heard before the walk: pins from those who cannot come,
      ◀───back to draft───┘                       marked before_walk; they cluster with the walk's)
"""

from __future__ import annotations

import datetime as dt
import json

from . import audit, locations
from .location_text import place_name
from .locations import ClusterReport
from .models import User, Walk, utcnow
from .vocab import N_

# Allowed status changes: (from, to) → the audit action.
TRANSITIONS = {
    ("draft", "early"): "walk_opened_early",
    ("early", "open"): "walk_opened",
    ("early", "draft"): "walk_back_to_draft",
    ("draft", "open"): "walk_opened",
    ("open", "closed"): "walk_closed",
    ("closed", "open"): "walk_reopened",
    ("open", "draft"): "walk_back_to_draft",
}


class LifecycleRefused(Exception):
    """What was asked would break a rule; `message` (Swedish, translatable) and `params` say why."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def next_states(walk: Walk) -> list[str]:
    """The statuses the walk can move to now."""
    return [to for (frm, to) in TRANSITIONS if frm == walk.status]


def change_status(walk: Walk, target: str, user: User) -> ClusterReport | None:
    """Move the walk to `target`. Closing clusters its pins (the report comes back); opening again takes
    its places back from the planners and the public, unless planners already follow them up."""
    action = TRANSITIONS.get((walk.status, target))
    if action is None:
        raise LifecycleRefused(N_("Den ändringen går inte att göra nu."))
    if action == "walk_reopened":
        _refuse_if_followed_up(walk)
    audit.record(action, user, walk=walk, field="status", old=walk.status, new=target)
    walk.status = target
    if target == "early":
        walk.early_opened_at = walk.early_opened_at or utcnow()
    if target == "open":
        # New pins will need a new review: the places go back from planners and the public page.
        take_back(walk, user)
        walk.opened_at = walk.opened_at or utcnow()
    if target == "closed":
        walk.closed_at = utcnow()
        return recluster(walk, user)
    return None


def recluster(walk: Walk, user: User | None) -> ClusterReport:
    """Build the walk's places from its pins again (staff work and followed-up places are kept), logged."""
    report = locations.cluster_walk(walk)
    audit.record("walk_clustered", user, walk=walk, note=json.dumps(report.counts()))
    return report


def publish(walk: Walk, user: User) -> bool:
    """Hand the walk's places to the planners; True if they were not published before."""
    if walk.status != "closed":
        raise LifecycleRefused(N_("Avsluta vandringen innan du publicerar platserna."))
    if walk.published_at is not None:
        return False
    now = utcnow()
    audit.record("walk_published", user, walk=walk, field="published_at", new=now)
    walk.published_at = now
    return True


def withdraw(walk: Walk, user: User) -> None:
    """Take the places back from the planners (and the feedback page from the public)."""
    _refuse_if_followed_up(walk)
    take_back(walk, user)


def take_back(walk: Walk, user: User, planners: bool = True) -> None:
    """Take the public feedback page down (and, with planners=True, the places from the planners), logged."""
    if walk.feedback_published_at is not None:
        audit.record("feedback_unpublished", user, walk=walk, field="feedback_published_at", old=walk.feedback_published_at)
        walk.feedback_published_at = None
    if planners and walk.published_at is not None:
        audit.record("walk_unpublished", user, walk=walk, field="published_at", old=walk.published_at)
        walk.published_at = None


def publish_feedback(walk: Walk, user: User, publish: bool) -> bool:
    """Publish the feedback page at the walk's QR link, or take it down; True if it changed."""
    if publish and walk.status != "closed":
        raise LifecycleRefused(N_("Återkopplingen kan publiceras först när vandringen är avslutad."))
    if (walk.feedback_published_at is not None) == publish:
        return False
    new = utcnow() if publish else None
    audit.record("feedback_published" if publish else "feedback_unpublished", user, walk=walk,
                 field="feedback_published_at", old=walk.feedback_published_at, new=new)
    walk.feedback_published_at = new
    return True


def takes_late_pin(walk: Walk, taken_at: dt.datetime | None, clock_unreliable: bool, now: dt.datetime,
                   grace: dt.timedelta) -> bool:
    """Whether a pin that reaches a closed walk is still taken (a phone that had no signal).

    It must have been made while the walk was open (between opened_at and closed_at, by a clock we
    believe), arrive within `grace` of closing, and come before the places are published: published
    places are reviewed ones.
    """
    opened = walk.accepting_since
    if walk.status != "closed" or walk.closed_at is None or opened is None or walk.published_at is not None:
        return False
    if taken_at is None or clock_unreliable:
        return False
    return opened <= taken_at <= walk.closed_at and now - walk.closed_at <= grace


def place_late_pin(walk: Walk) -> None:
    """Give a late pin its place among the walk's (in the same transaction as the pin)."""
    locations.cluster_walk(walk)


def _refuse_if_followed_up(walk: Walk) -> None:
    held = locations.followed_up_only_here(walk)
    if held:
        raise LifecycleRefused(
            N_("Planerarna följer redan upp %(places)s. Om platserna tas tillbaka försvinner deras beslut från "
               "åtgärdslistan, så det går inte. Prata med planerarna."),
            places=", ".join(f"”{place_name(loc)}”" for loc in held))
