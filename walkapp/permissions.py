"""Who may do what: the one place where roles and walk access are decided.

Roles (see docs/roller.md):
- admin: everything, including staff accounts and moderated originals.
- leader: the walks they created or were added to: plan, run, moderate, close, review, publish.
- planner: published walks' locations: action list, follow-up, exports, feedback page.
"""

from __future__ import annotations

from .models import Photo, Pin, User, Walk

# Which roles may enter each staff area (blueprint name → roles). Checked before every request
# of that blueprint, so a new route cannot forget it.
AREA_ROLES: dict[str, frozenset[str]] = {
    "leader": frozenset({"admin", "leader"}),
    "planner": frozenset({"admin", "planner"}),
    "admin": frozenset({"admin"}),
}


def may_enter(user: User, area: str) -> bool:
    """Whether the user's role opens this staff area."""
    return user.is_authenticated and user.role in AREA_ROLES[area]


def leads(user: User | None, walk: Walk) -> bool:
    """Whether the user runs this walk (or is an admin, who may run any)."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return user.role == "leader" and (walk.created_by_id == user.id or any(s.id == user.id for s in walk.staff))


def plans(user: User | None, walk: Walk) -> bool:
    """Whether the user may follow up this walk's locations as a planner."""
    if user is None or not user.is_authenticated:
        return False
    return user.role == "admin" or (user.role == "planner" and walk.published_at is not None)


def shown_to_planners(photo_hidden: bool, pin_hidden: bool, approved: bool, needs_approval: bool) -> bool:
    """The planners' photo rule: not removed, pin not hidden, and approved where the walk asks for it."""
    return not photo_hidden and not pin_hidden and (approved or not needs_approval)


def planner_photo(pin: Pin) -> bool:
    """Whether planner pages may show this pin's photo."""
    photo = pin.photo
    return photo is not None and shown_to_planners(photo.hidden, pin.hidden, photo.approved, pin.walk.photo_approval)


def public_photo(pin: Pin, photo: Photo) -> bool:
    """Whether a photo may appear on the public feedback page: approved, not hidden, published."""
    return (
        photo.approved
        and not photo.hidden
        and not pin.hidden
        and pin.walk.feedback_published_at is not None
    )


def may_see_photo(user: User | None, participant_id: int | None, pin: Pin) -> bool:
    """Whether this person may see the pin's photo."""
    photo = pin.photo
    if photo is None:
        return False
    if participant_id is not None and pin.participant_id == participant_id:
        return True
    if leads(user, pin.walk):
        return True
    if plans(user, pin.walk):
        return planner_photo(pin)
    return public_photo(pin, photo)
