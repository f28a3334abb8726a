"""Responsible parties answer without an account: personal links, their answers, mail and reminders.

A planner sends a party its items of a published walk (the walk's places that have the party as
responsible): a mail in Swedish with the approved words, the proposed action and the due date, and
a personal link. Only the SHA-256 of the link's token is stored. Through the link the party answers
per item; an answer is a proposal that enters the place's history at once under the party's name
and changes the place only when a planner accepts it (or corrects it).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext, ngettext
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from . import audit, locations as locs, mail, vocab
from . import places as queries
from .extensions import db
from .models import Location, PartyAnswer, PartyLink, Pin, ResponsibleParty, User, Walk, hash_token, utcnow
from .timefmt import plausible

TEXT_MAX = 4000
EMAIL_MAX = 254
# The browser session remembers the working link it opened, so the photo route can show the approved
# photos of its places without the token in every image address.
SESSION_KEY = "party_link"


# --- the register's e-mail address ------------------------------------------------------------


def clean_email(raw: str | None) -> tuple[str | None, str | None]:
    """An e-mail address as typed (empty: none), or why it is not one."""
    email = (raw or "").strip()
    if not email:
        return None, None
    local, at, domain = email.rpartition("@")
    if (not at or not local or "." not in domain or domain.startswith(".") or domain.endswith(".")
            or len(email) > EMAIL_MAX or any(c.isspace() or c in "<>,;\"" for c in email)):
        return None, _("Skriv en e-postadress, till exempel gatukontoret@varberg.se.")
    return email, None


# --- links ------------------------------------------------------------------------------------


def _item_query(party_id: int):
    return select(Location).where(Location.responsible_id == party_id, Location.merged_into_id.is_(None))


def items(party_id: int, walk: Walk) -> list[Location]:
    """The walk's places that have this party as responsible (visible pins of the walk), highest priority first."""
    in_walk = select(Pin.location_id).where(Pin.walk_id == walk.id, Pin.hidden.is_(False), Pin.location_id.is_not(None))
    return db.session.scalars(_item_query(party_id).where(Location.id.in_(in_walk))
                              .order_by(Location.priority.desc(), Location.id)).all()


def walks_with_items(party_id: int) -> dict[int, int]:
    """Published walks where this party has places: walk id → how many."""
    rows = db.session.execute(
        select(Pin.walk_id, func.count(distinct(Location.id))).join(Location, Location.id == Pin.location_id)
        .join(Walk, Walk.id == Pin.walk_id)
        .where(Location.responsible_id == party_id, Location.merged_into_id.is_(None), Pin.hidden.is_(False),
               Walk.published_at.is_not(None)).group_by(Pin.walk_id))
    return dict(rows.all())


def current_link(party_id: int, walk_id: int) -> PartyLink | None:
    """The newest link of this party for this walk (it may have ended)."""
    return db.session.scalar(select(PartyLink).where(PartyLink.party_id == party_id, PartyLink.walk_id == walk_id)
                             .order_by(PartyLink.created_at.desc(), PartyLink.id.desc()).limit(1))


def create_link(party: ResponsibleParty, walk: Walk, user: User | None, *, reminder: bool = False) -> tuple[PartyLink, str]:
    """A new link for the party's items of the walk, replacing any earlier one; returns it and its token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = PartyLink(party_id=party.id, walk_id=walk.id, token_hash=hash_token(token), email=party.email or "",
                     created_by_id=getattr(user, "id", None), created_at=now, reminder=reminder,
                     expires_at=now + dt.timedelta(days=current_app.config["PARTY_LINK_DAYS"]))
    db.session.add(link)
    db.session.flush()
    earlier = db.session.scalars(select(PartyLink).where(
        PartyLink.party_id == party.id, PartyLink.walk_id == walk.id, PartyLink.id != link.id,
        PartyLink.revoked_at.is_(None), PartyLink.replaced_by_id.is_(None)))
    for old in earlier:
        old.replaced_by_id = link.id
    return link, token


def find(token: str) -> PartyLink | None:
    """The link with this token (looked up by its hash), whatever its state."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(PartyLink).where(PartyLink.token_hash == hash_token(token)))


def ended(link: PartyLink, now: dt.datetime | None = None) -> str | None:
    """Why the link no longer works ("revoked", "replaced", "expired"), or None while it does."""
    if link.revoked_at is not None:
        return "revoked"
    if link.replaced_by_id is not None:
        return "replaced"
    if (now or utcnow()) >= link.expires_at:
        return "expired"
    return None


def revoke(link: PartyLink, user: User) -> None:
    """End the link now; the party's answers so far stay."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("party_link_revoked", user, walk=link.walk, party=link.party, new=link.party.name)


def grants_photo(link: PartyLink | None, pin) -> bool:
    """Whether a working link may show this photo: an approved photo of one of its items, nothing else."""
    if link is None or ended(link) is not None or pin.photo is None:
        return False
    photo = pin.photo
    if not photo.approved or photo.hidden or pin.hidden or pin.walk.published_at is None:
        return False
    return pin.location_id in {loc.id for loc in items(link.party_id, link.walk)}


# --- what the party reads ---------------------------------------------------------------------


@dataclass
class Item:
    """One place as the party's mail and page show it: approved words and photos only."""

    number: int
    card: queries.Card
    answers: list[PartyAnswer] = field(default_factory=list)

    @property
    def location(self) -> Location:
        return self.card.location

    @property
    def words(self) -> list[str]:
        """The youths' words a leader or planner approved for the public."""
        return [p.comment for p in self.card.approved_words]

    @property
    def photos(self):
        """Approved photos (served through the access-checked route, never attached)."""
        return [p for p in self.card.photos if p.photo.approved]

    @property
    def latest(self) -> PartyAnswer | None:
        """The party's newest answer for this place."""
        return self.answers[0] if self.answers else None


def item_views(link: PartyLink) -> list[Item]:
    """The link's places with what the party may read, and the party's answers, newest first."""
    places = items(link.party_id, link.walk)
    answers: dict[int, list[PartyAnswer]] = {}
    if places:
        rows = db.session.scalars(select(PartyAnswer).where(
            PartyAnswer.party_id == link.party_id, PartyAnswer.location_id.in_([p.id for p in places]))
            .order_by(PartyAnswer.created_at.desc(), PartyAnswer.id.desc()))
        for row in rows:
            answers.setdefault(row.location_id, []).append(row)
    return [Item(i, queries.card(loc), answers.get(loc.id, [])) for i, loc in enumerate(places, start=1)]


# --- answers ----------------------------------------------------------------------------------


@dataclass
class Answer:
    """An answer read from the party's form, or why it cannot be saved."""

    status: str | None = None
    reason: str | None = None
    note: str | None = None
    date: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()[:TEXT_MAX]
    return value or None


def read_answer(form: Mapping[str, str]) -> Answer:
    """The party's answer for one item: a status it may give, a reason when needed, a note, a date."""
    answer = Answer(reason=_text(form.get("reason")), note=_text(form.get("note")))
    status = form.get("status")
    if status not in vocab.PARTY_ANSWERS:
        answer.errors["status"] = _("Välj ett av svaren.")
    else:
        answer.status = status
    raw = (form.get("date") or "").strip()
    if raw:
        try:
            answer.date = dt.date.fromisoformat(raw)
            if not plausible(answer.date):
                raise ValueError(raw)
        except ValueError:
            answer.errors["date"] = _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-06-30.")
    if answer.status in vocab.STATUSES_NEEDING_REASON and not answer.reason:
        answer.errors["reason"] = _("Skriv varför platsen inte ska åtgärdas.")
    if answer.status not in vocab.STATUSES_NEEDING_REASON:
        answer.reason = None
    return answer


def record_answer(link: PartyLink, location: Location, answer: Answer) -> PartyAnswer:
    """Keep the answer as a proposal and put it in the place's history under the party's name."""
    for older in db.session.scalars(select(PartyAnswer).where(
            PartyAnswer.location_id == location.id, PartyAnswer.party_id == link.party_id,
            PartyAnswer.decision.is_(None))):
        older.decision = "replaced"
        older.decided_at = utcnow()
    row = PartyAnswer(location_id=location.id, party_id=link.party_id, link_id=link.id, status=answer.status,
                      reason=answer.reason, note=answer.note, date=answer.date)
    db.session.add(row)
    party = link.party
    audit.record("party_status", None, location=location, party=party, field="status", old=location.status,
                 new=answer.status, note=answer.note)
    if answer.reason:
        audit.record("party_status_reason", None, location=location, party=party, field="status_reason",
                     new=answer.reason)
    if answer.date:
        audit.record("party_date", None, location=location, party=party, field="due_date",
                     new=answer.date.isoformat())
    link.last_used_at = utcnow()
    return row


def pending(location: Location) -> list[PartyAnswer]:
    """Answers waiting for a planner at this place (and places merged into it), newest first."""
    return db.session.scalars(select(PartyAnswer).where(
        PartyAnswer.location_id.in_(locs.merged_ids(location)), PartyAnswer.decision.is_(None))
        .order_by(PartyAnswer.created_at.desc(), PartyAnswer.id.desc())).all()


def proposed_changes(answer: PartyAnswer) -> dict[str, str]:
    """The follow-up fields the answer proposes, as the planner's form would send them."""
    fields = {"status": answer.status, "status_reason": answer.reason or ""}
    if answer.date and answer.status not in vocab.CLOSED_STATUSES:
        fields["due_date"] = answer.date.isoformat()
    return fields


def decide(answer: PartyAnswer, user: User, location: Location, corrected: bool) -> None:
    """Mark the answer accepted (or corrected and accepted) by this planner, in the history."""
    answer.decision = "corrected" if corrected else "accepted"
    answer.decided_at = utcnow()
    answer.decided_by_id = user.id
    audit.record("party_answer_corrected" if corrected else "party_answer_accepted", user, location=location,
                 party=answer.party, new=answer.party.name)


# --- sending ----------------------------------------------------------------------------------


def base_url() -> str:
    """Where links in mail point: PUBLIC_URL when set (never the Host header of whoever asked)."""
    from flask import has_request_context, request

    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else "http://127.0.0.1:5000"


def mark_sent(link: PartyLink, user: User | None, places: list[Location]) -> None:
    """Record the sending at each place, and move new places on to "sent to the responsible"."""
    for loc in places:
        audit.record("party_sent", user, location=loc, party=link.party, new=link.email)
        if loc.status == "ny":
            audit.record("location_status", user, location=loc, field="status", old=loc.status, new=vocab.STATUS_SENT)
            loc.status = vocab.STATUS_SENT


def compose(link: PartyLink, token: str, *, reminder: bool = False):
    """The mail to the party, in Swedish, plain text and HTML: its places and its personal link."""
    app = current_app._get_current_object()
    base = base_url()
    context = {"link": link, "party": link.party, "walk": link.walk, "items": item_views(link), "reminder": reminder,
               "contact": app.config.get("CONTACT_EMAIL"), "remind_days": app.config["PARTY_REMIND_DAYS"]}
    # Rendered in a context of its own: Swedish with a fresh translation cache whatever language the
    # planner reads, and links on the public address. Everything from the database is read above.
    with app.app_context(), app.test_request_context("/", base_url=base), force_locale("sv"):
        context["url"] = url_for("party.page", token=token, _external=True)
        title = link.walk.title
        subject = (_("Påminnelse: platser att åtgärda efter trygghetsvandringen %(title)s", title=title)
                   if reminder else _("Platser att åtgärda efter trygghetsvandringen %(title)s", title=title))
        # Plain text is not HTML: no escaping, and translations filled in as they are.
        plain = app.jinja_env.overlay(autoescape=False).get_template("mail/party_items.txt", globals={
            "_": gettext, "gettext": gettext, "ngettext": ngettext, "LOCATION_STATUSES": vocab.LOCATION_STATUSES})
        text = plain.render(**context)
        html = render_template("mail/party_items.html", **context)
    return mail.message(link.email, " ".join(subject.split()), text, html)


def send(party: ResponsibleParty, walk: Walk, user: User) -> PartyLink:
    """Make a new link for the party's items of the walk and queue the mail (the page does not wait)."""
    link, token = create_link(party, walk, user)
    places = items(party.id, walk)
    mark_sent(link, user, places)
    msg = compose(link, token)
    db.session.commit()
    mail.send_later(msg)
    return link


# --- reminders --------------------------------------------------------------------------------


def due_items(places: list[Location], today: dt.date, days: int) -> list[Location]:
    """Open places due within `days` or overdue."""
    limit = today + dt.timedelta(days=days)
    return [p for p in places if p.due_date is not None and p.due_date <= limit and p.status not in vocab.CLOSED_STATUSES]


def remind(today: dt.date | None = None) -> list[tuple[PartyLink, int]]:
    """Mail every party with items due within PARTY_REMIND_DAYS or overdue, at most once per that many
    days, with a new link (the one before stops working); returns the new links and their item counts."""
    today = today or dt.date.today()
    days = current_app.config["PARTY_REMIND_DAYS"]
    quiet_since = utcnow() - dt.timedelta(days=days)
    sent: list[tuple[PartyLink, int]] = []
    latest = db.session.scalars(select(PartyLink).where(PartyLink.replaced_by_id.is_(None), PartyLink.revoked_at.is_(None))
                                .order_by(PartyLink.id)).all()
    for link in latest:
        party, walk = link.party, link.walk
        if not party.active or not party.email or walk.published_at is None or link.created_at > quiet_since:
            continue
        due = due_items(items(party.id, walk), today, days)
        if not due:
            continue
        new, token = create_link(party, walk, None, reminder=True)
        msg = compose(new, token, reminder=True)
        audit.record("party_reminded", None, walk=walk, party=party, new=party.email, note=str(len(due)))
        db.session.commit()
        mail.send_now(msg)
        sent.append((new, len(due)))
    return sent
