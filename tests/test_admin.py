"""The admin area: staff accounts (create, deactivate, change role), and the audit log in sentences
for every action the code writes."""

from __future__ import annotations

import pathlib
import re

from sqlalchemy import func, select

from tests.conftest import VARBERG
from tests.factories import text_of
from tests.test_leader import walk_by_title
from walkapp.extensions import db
from walkapp.models import User, Walk


def test_admin_creates_and_deactivates_staff(app, client, login_as):
    login_as("admin")
    resp = client.post("/admin/users", data={"email": "ny@example.org", "display_name": "Ny Ledare", "role": "leader",
                                             "password": "långt-lösenord"})
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny@example.org"))
    assert client.post("/admin/users", data={"email": "NY@example.org", "display_name": "x", "role": "leader",
                                             "password": "långt-lösenord"}).status_code == 200
    client.post(f"/admin/users/{user.id}", data={"active": "0"})
    client.post(f"/admin/users/{user.id}", data={"role": "planner"})
    with app.app_context():
        user = db.session.get(User, user.id)
        assert (user.active, user.role) == (False, "planner")
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
    audit_page = text_of(client.get("/admin/audit").get_data(as_text=True))
    assert "Stängde av kontot för ny@example.org" in audit_page and "Bytte roll för ny@example.org" in audit_page
    assert "Skapade kontot för ny@example.org" in audit_page
    assert "user_active" not in audit_page and "user_role" not in audit_page


def _audit_actions_in_the_code() -> set[str]:
    """Every action the code writes to the audit log (the literal ones and those put together)."""
    from walkapp import lifecycle, locations

    root = pathlib.Path(__file__).resolve().parent.parent / "walkapp"
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for call in re.findall(r"audit\.record\((.*?),\s*(?:current_user|user|None)\b", path.read_text(), re.S):
            found.update(re.findall(r'"([a-z]+(?:_[a-z]+)+)"', call))
    found.update(lifecycle.TRANSITIONS.values())
    # Put together in the code: "pin_" + action, "photo_" + action, "participant_" + action + "ed",
    # "location_" + follow-up field.
    found.update({"pin_hide", "pin_unhide", "photo_remove", "photo_restore", "photo_approve", "photo_unapprove",
                  "participant_blocked", "participant_unblocked"})
    found.update("location_" + name.removesuffix("_id") for name in locations.FOLLOW_UP_FIELDS)
    return found


def test_every_audit_action_has_a_sentence():
    from walkapp import audit_text

    actions = _audit_actions_in_the_code()
    assert {"user_created", "walk_clustered", "location_merged_away", "location_status"} <= actions
    assert actions - set(audit_text.SENTENCES) == set()


def test_the_audit_log_and_a_places_history_read_as_sentences(app, client, login_as, make_user, make_walk, join,
                                                              make_pin):
    from walkapp import locations as locs
    from walkapp.models import Location, ResponsibleParty

    admin = login_as("admin")
    client.post("/admin/users", data={"email": "pia@example.org", "display_name": "Pia", "role": "planner",
                                      "password": "långt-lösenord"})
    client.post("/planner/responsible", data={"name": "Gatuavdelningen", "kind": "forvaltning"})
    code = make_walk(leader=admin)
    walk_id = walk_by_title(app, "Testvandring").id
    token = join(code)
    for dx in (0.0, 0.00002, 0.0030, 0.00302):  # two places of two pins
        make_pin(code, token, lon=VARBERG[1] + dx)
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "1"})
    with app.app_context():
        first, second = (loc.id for loc in locs.walk_locations(db.session.get(Walk, walk_id)))
        pin_ids = [p.id for p in db.session.get(Location, first).pins]
        party = db.session.scalar(select(ResponsibleParty.id).where(ResponsibleParty.name == "Gatuavdelningen"))
    client.post(f"/planner/locations/{first}", data={"status": "atgardas_ej", "status_reason": "Privat mark",
                                                      "responsible_id": str(party), "due_date": "2030-06-30"})
    client.post(f"/leader/walks/{walk_id}/locations/{first}/split", data={"pins": [str(pin_ids[0])]})
    client.post(f"/leader/walks/{walk_id}/locations/{first}/merge", data={"other": str(second)})

    log = text_of(client.get("/admin/audit").get_data(as_text=True))
    history = text_of(client.get(f"/planner/locations/{first}").get_data(as_text=True))
    for raw in ("user_created", "location_merged_away", "walk_published", "atgardas_ej", "(forvaltning)", "(planner)",
                "published_at", "+00:00"):
        assert raw not in log, raw
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", log), "a raw UTC time stamp"
    assert "Skapade kontot för pia@example.org" in log
    assert "Lade till Gatuavdelningen bland de ansvariga (förvaltning)" in log
    assert "Avslutade vandringen" in log and "Lämnade platserna till planerarna" in log
    assert "Åtgärdas ej" in log and "30 juni 2030" in log
    assert "Slog ihop platsen" in log
    assert "Delade platsen: en punkt blev den nya platsen" in history
    assert f"({pin_ids[0]})" not in history and "Place split" not in history
    assert "Slog ihop platsen" in history and "Gatuavdelningen" in history
