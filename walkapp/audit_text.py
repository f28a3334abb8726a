"""The audit log in words a person reads: a sentence for each kind of event, values in the reader's
language (labels for statuses, roles and kinds, dates in local time, names for places), never a key,
an id or a UTC time stamp. What is stored stays as it is; this only reads it.

Used by the admin log and a place's history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import format_date, format_datetime, gettext, ngettext
from sqlalchemy import select

from . import location_text, vocab
from .extensions import db
from .models import AuditEvent, Location, ResponsibleParty, Walk
from .vocab import N_

# One sentence per action. %(...)s are filled from the event; the subject (who) is its own column.
SENTENCES: dict[str, str] = {
    "user_created": N_("Skapade kontot för %(email)s"),
    "user_role": N_("Bytte roll för %(email)s"),
    "user_active": N_("Ändrade om kontot för %(email)s är aktivt"),
    "password_changed": N_("Bytte lösenord"),
    "totp_enabled": N_("Slog på inloggning med kod från app"),
    "totp_disabled": N_("Stängde av inloggning med kod från app"),
    "walk_created": N_("Skapade vandringen"),
    "walk_edited": N_("Ändrade vandringens planering"),
    "walk_opened": N_("Öppnade vandringen"),
    "walk_closed": N_("Avslutade vandringen"),
    "walk_reopened": N_("Öppnade vandringen igen"),
    "walk_back_to_draft": N_("Gjorde vandringen till utkast igen"),
    "walk_clustered": N_("Grupperade punkterna till platser"),
    "walk_published": N_("Lämnade platserna till planerarna"),
    "walk_unpublished": N_("Tog tillbaka platserna från planerarna"),
    "feedback_published": N_("Publicerade återkopplingen"),
    "feedback_unpublished": N_("Tog ned återkopplingen"),
    "walk_joins_closed": N_("Stängde vandringen för nya deltagare"),
    "walk_joins_opened": N_("Öppnade vandringen för nya deltagare igen"),
    "walk_recoded": N_("Gav vandringen en ny kod"),
    "walk_opened_early": N_("Öppnade kartan före vandringen"),
    "walk_meeting_notes": N_("Skrev anteckningar från återträffen"),
    "retention_applied": N_("Raderade foton och kommentarer enligt gallringsregeln"),
    "retention_photos": N_("Gallrade foton"),
    "retention_comments": N_("Gallrade kommentarer"),
    "retention_tokens": N_("Kopplade bort deltagarnas telefoner"),
    "export_public_records": N_("Exporterade vandringens råmaterial för en begäran om allmän handling"),
    "export_archive": N_("Exporterade protokoll och åtgärdslista för arkivet"),
    "pin_hide": N_("Dolde en punkt"),
    "pin_unhide": N_("Visade en dold punkt igen"),
    "pin_concern": N_("Markerade en punkt: oro – behöver åtgärd"),
    "pin_unconcern": N_("Tog bort markeringen oro från en punkt"),
    "photo_remove": N_("Tog bort ett foto"),
    "photo_restore": N_("Tog tillbaka ett borttaget foto"),
    "photo_approve": N_("Godkände ett foto"),
    "photo_unapprove": N_("Tog tillbaka godkännandet av ett foto"),
    "photo_blurred": N_("Suddade ut områden i ett foto för hand"),
    "comment_redacted": N_("Redigerade bort text i en kommentar"),
    "comment_approved": N_("Godkände en kommentar för allmänheten"),
    "comment_unapproved": N_("Tog tillbaka godkännandet av en kommentar"),
    "participant_blocked": N_("Stoppade en deltagare"),
    "participant_unblocked": N_("Släppte stoppet för en deltagare"),
    "staff_pin_added": N_("Lade till en egen punkt"),
    "pin_placed": N_("Placerade en punkt på kartan"),
    "pin_moved": N_("Flyttade en punkt till en annan plats"),
    "location_renamed": N_("Bytte namn på platsen"),
    "location_merged": N_("Slog ihop platsen ”%(other)s” med den här"),
    "location_merged_away": N_("Slog ihop platsen med ”%(other)s”"),
    "location_split": N_("Delade platsen"),
    "location_followup_merged": N_("Tog över uppföljningen från ”%(other)s” (%(field)s)"),
    "location_action": N_("Ändrade förslaget på åtgärd"),
    "location_status": N_("Ändrade status"),
    "location_status_reason": N_("Ändrade skälet till att platsen inte åtgärdas"),
    "location_responsible": N_("Ändrade ansvarig"),
    "location_due_date": N_("Ändrade när det ska vara klart"),
    "location_proposed_action": N_("Ändrade förslaget på åtgärd"),
    "location_public_note": N_("Ändrade den offentliga kommentaren"),
    "responsible_added": N_("Lade till %(name)s bland de ansvariga (%(kind)s)"),
    "responsible_active": N_("Ändrade om %(name)s kan väljas som ansvarig"),
    "responsible_email": N_("Ändrade e-postadressen till %(name)s"),
    "party_sent": N_("Skickade platsen till den ansvariga med e-post"),
    "party_status": N_("Svarade: föreslår status"),
    "party_status_reason": N_("Svarade: skäl till att platsen inte åtgärdas"),
    "party_date": N_("Svarade: föreslår datum"),
    "party_answer_accepted": N_("Godkände svaret från %(name)s"),
    "party_answer_corrected": N_("Rättade svaret från %(name)s och godkände det"),
    "party_link_revoked": N_("Återkallade länken till %(name)s"),
    "party_reminded": N_("Skickade en påminnelse till %(name)s"),
}

# Sentences that depend on the new value: (action, value) → sentence.
BY_VALUE: dict[tuple[str, str], str] = {
    ("user_active", "True"): N_("Aktiverade kontot för %(email)s"),
    ("user_active", "False"): N_("Stängde av kontot för %(email)s"),
    ("responsible_active", "True"): N_("Gjorde %(name)s valbar som ansvarig igen"),
    ("responsible_active", "False"): N_("Tog bort %(name)s från listan över ansvariga"),
}

# Follow-up fields, as the history names them.
FIELDS: dict[str, str] = {
    "status": N_("status"), "status_reason": N_("skäl"), "responsible": N_("ansvarig"), "responsible_id": N_("ansvarig"),
    "due_date": N_("klart senast"), "proposed_action": N_("förslag på åtgärd"), "public_note": N_("offentlig kommentar"),
}

# Retention entries keep how many went (new_value): _retention_sentence counts them.
RETENTION_COUNTED = frozenset({"retention_photos", "retention_comments", "retention_tokens"})

# Values that are yes/no, times or coordinates: the sentence says it all, so they are not shown.
UNSHOWN_FIELDS = frozenset({"hidden", "concern", "closing_meeting_notes", "photo.hidden", "photo.approved", "comment_approved", "blocked", "active",
                            "joins_closed", "published_at", "feedback_published_at", "totp", "password"})
UNSHOWN_ACTIONS = frozenset({"pin_placed", "location_merged", "location_merged_away", "location_split", "user_created",
                             "user_active", "responsible_added", "responsible_active", "walk_opened", "walk_closed",
                             "walk_reopened", "walk_back_to_draft", "party_answer_accepted", "party_answer_corrected",
                             "party_link_revoked", *RETENTION_COUNTED})

_NAME_IN_PARENS = re.compile(r"^(?P<name>.*) \((?P<key>[^()]*)\)$")
_NAME_AND_WORD = re.compile(r"^(?P<name>.*) (?P<key>\S+)$")


@dataclass
class Entry:
    """One event as a person reads it."""

    event: AuditEvent
    what: str
    old: str = ""
    new: str = ""
    note: str = ""
    walk: Walk | None = None
    location: Location | None = None
    extra: dict = field(default_factory=dict)
    # Who did it when no staff member did: the responsible party, through its link.
    who: str = ""


@dataclass
class _Names:
    walks: dict[int, Walk]
    locations: dict[int, Location]
    parties: dict[int, str]
    actors: dict[int, str] = field(default_factory=dict)


def describe(events: list[AuditEvent]) -> list[Entry]:
    """The events in words, with the walks and places they concern (fetched at once)."""
    names = _names(events)
    return [_describe(e, names) for e in events]


def _names(events: list[AuditEvent]) -> _Names:
    walk_ids = {e.walk_id for e in events if e.walk_id}
    location_ids = {e.location_id for e in events if e.location_id}
    for e in events:
        if e.action in ("location_merged", "location_merged_away", "location_split", "pin_moved"):
            location_ids.update(int(v) for v in (e.old_value, e.new_value) if v and v.isdigit())
    walks = {w.id: w for w in db.session.scalars(select(Walk).where(Walk.id.in_(walk_ids)))} if walk_ids else {}
    locations = ({loc.id: loc for loc in db.session.scalars(select(Location).where(Location.id.in_(location_ids)))}
                 if location_ids else {})
    party_ids = {int(e.old_value) for e in events if e.field == "responsible_id" and (e.old_value or "").isdigit()}
    party_ids |= {int(e.new_value) for e in events if e.field == "responsible_id" and (e.new_value or "").isdigit()}
    parties = (dict(db.session.execute(select(ResponsibleParty.id, ResponsibleParty.name)
                                       .where(ResponsibleParty.id.in_(party_ids))).all()) if party_ids else {})
    actor_ids = {e.party_id for e in events if e.party_id}
    actors = (dict(db.session.execute(select(ResponsibleParty.id, ResponsibleParty.name)
                                      .where(ResponsibleParty.id.in_(actor_ids))).all()) if actor_ids else {})
    return _Names(walks, locations, parties, actors)


def _describe(e: AuditEvent, names: _Names) -> Entry:
    entry = Entry(event=e, what="", walk=names.walks.get(e.walk_id), location=names.locations.get(e.location_id))
    params = _params(e, names)
    sentence = BY_VALUE.get((e.action, e.new_value or "")) or SENTENCES.get(e.action)
    if e.action == "location_split":
        entry.what = _split_sentence(e, names)
    elif e.action == "pin_moved":
        entry.what = _moved_sentence(e, names)
    elif e.action in RETENTION_COUNTED and (e.new_value or "").isdigit():
        entry.what = _retention_sentence(e.action, int(e.new_value))
    elif sentence is not None:
        entry.what = gettext(sentence, **params)
    else:
        # An action this module has no sentence for yet (tests/test_leader.py looks for them): say it plainly.
        entry.what = gettext("Ändring")
    if e.action == "user_role":
        # Stored as "<e-mail> <old role>" → <new role>: the e-mail is in the sentence.
        m = _NAME_AND_WORD.match(e.old_value or "")
        entry.old, entry.new = _value(e, m["key"] if m else None, names), _value(e, e.new_value, names)
    elif e.action not in UNSHOWN_ACTIONS and e.field not in UNSHOWN_FIELDS:
        entry.old, entry.new = _value(e, e.old_value, names), _value(e, e.new_value, names)
    entry.note = _note(e)
    if e.party_id and not e.user_id:
        entry.who = names.actors.get(e.party_id, "")
    return entry


def _params(e: AuditEvent, names: _Names) -> dict:
    """The names a sentence speaks of, taken apart from how they were stored."""
    if e.action == "user_created":
        m = _NAME_IN_PARENS.match(e.new_value or "")
        return {"email": m["name"] if m else (e.new_value or "")}
    if e.action in ("user_role", "user_active"):
        m = _NAME_AND_WORD.match(e.old_value or "")
        return {"email": m["name"] if m else (e.old_value or "")}
    if e.action == "responsible_added":
        m = _NAME_IN_PARENS.match(e.new_value or "")
        kind = m["key"] if m else ""
        return {"name": m["name"] if m else (e.new_value or ""),
                "kind": gettext(vocab.PARTY_KINDS[kind]).lower() if kind in vocab.PARTY_KINDS else kind}
    if e.action == "responsible_active":
        m = _NAME_AND_WORD.match(e.old_value or "")
        return {"name": m["name"] if m else (e.old_value or "")}
    if e.action in ("location_merged", "location_merged_away"):
        # The other place as it is called now, in the reader's language; the note keeps the name it had.
        other_id = e.old_value if e.action == "location_merged" else e.new_value
        other = names.locations.get(int(other_id)) if (other_id or "").isdigit() else None
        return {"other": location_text.place_name(other) if other is not None else (e.note or "")}
    if e.action.startswith("party_") or e.action == "responsible_email":
        return {"name": names.actors.get(e.party_id, "") or e.new_value or ""}
    if e.action == "location_followup_merged":
        return {"other": e.note or "", "field": gettext(FIELDS.get(e.field or "", N_("uppföljning")))}
    return {}


def _split_sentence(e: AuditEvent, names: _Names) -> str:
    moved = len([p for p in (e.note or "").split(",") if p.strip()])
    new = names.locations.get(int(e.new_value)) if (e.new_value or "").isdigit() else None
    if new is not None:
        return ngettext("Delade platsen: en punkt blev den nya platsen ”%(name)s”",
                        "Delade platsen: %(num)d punkter blev den nya platsen ”%(name)s”", moved,
                        name=location_text.place_name(new))
    return ngettext("Delade platsen: en punkt blev en ny plats", "Delade platsen: %(num)d punkter blev en ny plats", moved)


def _retention_sentence(action: str, n: int) -> str:
    if action == "retention_photos":
        return ngettext("Gallrade ett foto", "Gallrade %(num)d foton", n)
    if action == "retention_comments":
        return ngettext("Gallrade en kommentar", "Gallrade %(num)d kommentarer", n)
    return ngettext("Kopplade bort en deltagares telefon", "Kopplade bort %(num)d deltagares telefoner", n)


def _moved_sentence(e: AuditEvent, names: _Names) -> str:
    source = names.locations.get(int(e.old_value)) if (e.old_value or "").isdigit() else None
    target = names.locations.get(int(e.new_value)) if (e.new_value or "").isdigit() else None
    if source is not None and target is not None:
        return gettext("Flyttade en punkt från ”%(source)s” till ”%(target)s”", source=location_text.place_name(source),
                       target=location_text.place_name(target))
    if target is not None:
        return gettext("Flyttade en punkt till ”%(target)s”", target=location_text.place_name(target))
    return gettext(SENTENCES["pin_moved"])


def _value(e: AuditEvent, value: str | None, names: _Names) -> str:
    """A stored value as the reader's language says it."""
    if value is None or value == "":
        return ""
    if e.field == "status":
        if e.action.startswith("walk_") and value in vocab.WALK_STATUS_LABELS:
            return gettext(vocab.WALK_STATUS_LABELS[value])
        if value in vocab.LOCATION_STATUSES:
            return gettext(vocab.LOCATION_STATUSES[value])
    if e.field == "role":
        return gettext(vocab.ROLES[value]) if value in vocab.ROLES else value
    if e.field == "responsible_id" and value.isdigit():
        return names.parties.get(int(value), gettext("en ansvarig som inte finns kvar"))
    if e.field == "due_date":
        try:
            return format_date(dt.date.fromisoformat(value), "d MMM yyyy")
        except ValueError:
            return value
    if _looks_like_time(value):
        return format_datetime(dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC), "d MMM yyyy HH:mm")
    return value


def _looks_like_time(value: str) -> bool:
    if not re.match(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d", value):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _note(e: AuditEvent) -> str:
    """The note, unless it only repeats what the sentence already names (places merged, pins split)."""
    if e.action in ("location_merged", "location_merged_away", "location_followup_merged", "location_split"):
        return ""
    if e.action == "walk_clustered":
        return location_text.cluster_note(e.note)
    if e.action == "party_reminded" and (e.note or "").isdigit():
        return ngettext("%(num)d plats", "%(num)d platser", int(e.note))
    if e.action == "retention_applied" or e.action in RETENTION_COUNTED:
        m = re.match(r"^(\d+) dagar$", e.note or "")
        if m:
            return ngettext("Efter %(num)d dag", "Efter %(num)d dagar", int(m[1]))
    return e.note or ""
