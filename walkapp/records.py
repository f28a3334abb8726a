"""Records duties: a walk's raw material for a request for public documents (begäran om allmän handling),
and ZIP files to hand it over in.

What the youths send becomes a public document once the municipality holds it. The registrar
(registrator) answers a request, and the secrecy review (sekretessprövning, offentlighets- och
sekretesslagen) is done outside the app, by people: so the export holds everything the walk has,
hidden and redacted words included, clearly flagged, and decides nothing itself.

CSV files follow exports.py (UTF-8 with BOM, `;`, formula-safe) so Swedish Excel opens them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from . import audit_text, exports, vocab
from .extensions import db
from .location_text import place_name
from .models import Agreement, AuditEvent, Participant, Pin, Walk
from .photostore import PhotoStore

# Kept in memory up to this size, then in a temporary file (photos make the ZIP large).
SPOOL_BYTES = 8 * 1024 * 1024

# For the registrar, in Swedish whatever the staff member's language: the request is a Swedish
# legal procedure and the file is read by the municipality's registry.
PUBLIC_RECORDS_README = """\
Råmaterial från trygghetsvandringen "{title}" (vandring nr {walk_id})
Uttaget {made} av {who}.

VAD DET HÄR ÄR
Allt som deltagarna skickade in under vandringen och vad personalen gjorde med det, så som det
finns i systemet när filen togs ut. Det är underlag för att besvara en begäran om allmän handling.

SEKRETESSPRÖVNING KRÄVS
Ingenting i den här filen får lämnas ut innan den har sekretessprövats enligt offentlighets- och
sekretesslagen (OSL). Deltagarna är ofta under 18 år. Filen innehåller även det som personalen har
dolt eller redigerat bort, till exempel kommentarer med personuppgifter, kränkningar eller
uppgifter om att en ung person far illa (markerade "Oro"). Att något är dolt i systemet är ingen
sekretessbedömning; det är registratorn och den som prövar sekretessen som avgör vad som lämnas ut.

FILERNA
- pins.csv: varje punkt, även dolda. Kolumnerna "Dold", "Oro" och "Kommentar före redigering"
  visar vad som inte syns i systemet. "Deltagare" är ett löpnummer inom vandringen; deltagarna
  är anonyma och systemet har inga namn, telefonnummer eller adresser.
- agreements.csv: "Jag håller med" - när en deltagare instämde i en annans punkt.
- moderation.csv: vandringens logg: vem i personalen som gjorde vad och när (dölja, redigera,
  godkänna, flytta, publicera, gallra).
- photos/: de lagrade fotona, namngivna efter punktens id (kolumnen "Foto" i pins.csv). Ansikten
  och registreringsskyltar har suddats automatiskt när fotot togs emot; det ersätter inte
  sekretessprövningen.

{originals}CSV-filerna är UTF-8 med semikolon som skiljetecken och öppnas direkt i Excel.
Tider är svensk tid ({zone}).
"""

WITHOUT_ORIGINALS = """\
Filen togs ut av någon som inte är administratör. Originalet till en redigerad kommentar finns i
systemet men är inte med ("Finns" i kolumnen "Kommentar före redigering"); en administratör kan ta
ut filen med originalen.

"""


def _participant_numbers(walk_id: int) -> dict[int, int]:
    """Each participant of the walk as a running number (1, 2, …) in the order they joined."""
    ids = db.session.scalars(select(Participant.id).where(Participant.walk_id == walk_id).order_by(Participant.id))
    return {pid: n for n, pid in enumerate(ids, start=1)}


def _yes(flag) -> str:
    return _("ja") if flag else ""


def pin_rows(walk: Walk, local: Callable, numbers: dict[int, int],
             originals: bool) -> tuple[list[str], list[list], list[Pin]]:
    """Every pin of the walk, hidden ones included and flagged: the header, the rows and the pins.

    A redacted comment's original goes only to an admin (docs/roller.md); for anyone else the cell
    says that there is one.
    """
    pins = db.session.scalars(
        select(Pin).where(Pin.walk_id == walk.id).order_by(Pin.id)
        .options(joinedload(Pin.photo), joinedload(Pin.location), joinedload(Pin.user))).unique().all()
    header = [_("Punkt"), _("Skapad"), _("Tagen (telefonens tid)"), _("Deltagare"), _("Betyg (1–4)"), _("Betyg"),
              _("Kategorier"), _("Ljus"), _("Latitud"), _("Longitud"), _("Noggrannhet (m)"), _("Utan karta"),
              _("Stopp"), _("Platsen beskriven"), _("Kommentar"), _("Kommentar före redigering"),
              _("Kommentar godkänd för allmänheten"), _("Dold"), _("Skäl att dölja"), _("Oro – behöver åtgärd"),
              _("Plats"), _("Foto"), _("Foto dolt"), _("Foto godkänt")]
    rows = []
    for pin in pins:
        author = (_("Deltagare %(n)d", n=numbers.get(pin.participant_id, 0)) if pin.participant_id
                  else _("Personal: %(name)s", name=pin.user.display_name if pin.user else "–"))
        photo = pin.photo
        rows.append([
            pin.id, local(pin.created_at), local(pin.taken_at), author, pin.rating, _(vocab.RATINGS[pin.rating]),
            ", ".join(_(walk.category_label(k)) for k in pin.categories or ()),
            _(vocab.LIGHT[pin.light]) if pin.light in vocab.LIGHT else "", pin.lat, pin.lon, pin.accuracy_m,
            _yes(pin.unplaced), pin.stop_name, pin.place_description, pin.comment,
            (pin.comment_original if originals else _("Finns. En administratör kan ta ut den."))
            if pin.comment_original else "",
            _yes(pin.comment_approved), _yes(pin.hidden), pin.hidden_reason, _yes(pin.concern_at),
            place_name(pin.location) if pin.location else "", photo_name(pin) if photo else "",
            _yes(photo and photo.hidden), _yes(photo and photo.approved),
        ])
    return header, rows, pins


def photo_name(pin: Pin) -> str:
    """Where a pin's photo lies in the ZIP."""
    return f"photos/{pin.id}.jpg"


def agreement_rows(walk: Walk, local: Callable, numbers: dict[int, int]) -> tuple[list[str], list[list]]:
    """Every "Jag håller med" of the walk, hidden ones included."""
    header = [_("Id"), _("Punkt"), _("Deltagare"), _("Betyg (1–4)"), _("Kommentar"),
              _("Kommentar godkänd för allmänheten"), _("Dold"), _("Skapad")]
    rows = [[a.id, a.pin_id, _("Deltagare %(n)d", n=numbers.get(a.participant_id, 0)), a.rating, a.comment,
             _yes(a.comment_approved), _yes(a.hidden), local(a.created_at)]
            for a in db.session.scalars(select(Agreement).where(Agreement.walk_id == walk.id).order_by(Agreement.id))]
    return header, rows


def moderation_rows(walk: Walk, local: Callable) -> tuple[list[str], list[list]]:
    """The walk's audit log in sentences, oldest first."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.walk_id == walk.id)
                                .options(selectinload(AuditEvent.user)).order_by(AuditEvent.created_at, AuditEvent.id)).all()
    header = [_("Tid"), _("Vem"), _("Vad"), _("Från"), _("Till"), _("Anteckning"), _("Punkt"), _("Plats")]
    rows = [[local(e.event.created_at), e.event.user.display_name if e.event.user else (e.who or _("Systemet")),
             e.what, e.old, e.new, e.note, e.event.pin_id, place_name(e.location) if e.location else ""]
            for e in audit_text.describe(events)]
    return header, rows


def public_records_zip(walk: Walk, store: PhotoStore, *, who: str, local: Callable, made: dt.datetime,
                       zone: str, originals: bool) -> IO[bytes]:
    """The walk's raw material as a ZIP (pins, agreements, moderation, photos, README), rewound;
    `originals`: with the redacted comments' original words (admins)."""
    numbers = _participant_numbers(walk.id)
    pin_header, pins_csv, pins = pin_rows(walk, local, numbers, originals)
    files: list[tuple[str, bytes]] = [
        ("README.txt", PUBLIC_RECORDS_README.format(
            title=walk.title, walk_id=walk.id, made=f"{local(made):%Y-%m-%d %H:%M}", who=who, zone=zone,
            originals="" if originals else WITHOUT_ORIGINALS,
        ).replace("\n", "\r\n").encode("utf-8")),
        ("pins.csv", exports.csv_bytes(pin_header, pins_csv)),
        ("agreements.csv", exports.csv_bytes(*agreement_rows(walk, local, numbers))),
        ("moderation.csv", exports.csv_bytes(*moderation_rows(walk, local))),
    ]
    photos = ((photo_name(p), store.open(p.photo.sha256, "full")) for p in pins if p.photo is not None)
    return zip_file(files, photos)


def zip_file(files: Iterable[tuple[str, bytes]], stored: Iterable[tuple[str, bytes | None]] = ()) -> IO[bytes]:
    """A ZIP of these files (text compressed; `stored` ones, already compressed like JPEGs, kept as
    they are; a missing one skipped), in memory or a temporary file, rewound for sending."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files:
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in stored:
            if data is not None:
                archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    out.seek(0)
    return out
