"""The English catalogue: complete, faithful to its placeholders, compiled, and actually used.

Swedish is the source language of every user-visible string; walkapp/translations/en holds English.
A string added to the code without an English translation fails here, with the list of what is missing.
"""

from __future__ import annotations

import html
import io
import re
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.conftest import VARBERG

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "walkapp" / "translations"
PO_PATH = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO_PATH = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
HOW_TO_FIX = (
    "Run `make messages` (extract → update → compile), translate the new entries in "
    "walkapp/translations/en/LC_MESSAGES/messages.po (no empty msgstr, no '#, fuzzy'), "
    "then `make messages` again (or `.venv/bin/pybabel compile -d walkapp/translations`) and commit .po, .mo and .pot."
)
# %(name)s, %(num)d … and the escaped percent sign; Python's %-formatting sees nothing else.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
PERCENT = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%")


def makefile_extract_keywords() -> list[str]:
    """The -k keywords the Makefile's `messages` target extracts with, so this test extracts the same way."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^messages:.*?\n((?:\t.*\n)+)", text, flags=re.M)
    assert target, "the Makefile has no `messages` target"
    [extract] = [line for line in target.group(1).splitlines() if " extract " in line]
    args = shlex.split(extract.strip())
    return [args[i + 1] for i, arg in enumerate(args) if arg in ("-k", "--keyword")]


def key(message) -> str | tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id


def show(message_id) -> str:
    return " | ".join(message_id) if isinstance(message_id, tuple) else message_id


@pytest.fixture(scope="module")
def english():
    with PO_PATH.open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the code right now, extracted as `make messages` does."""
    keywords = makefile_extract_keywords()
    # The Makefile must find lazy_gettext (= _l) and the N_ vocabulary marks; the defaults cover _ and ngettext.
    assert {"lazy_gettext", "_l", "N_"} <= set(keywords), keywords
    pot = tmp_path_factory.mktemp("messages") / "messages.pot"
    command = [sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
               "-F", "babel.cfg", *(a for k in keywords for a in ("-k", k)), "-o", str(pot), "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with pot.open("rb") as f:
        catalog = read_po(f)
    assert len([m for m in catalog if m.id]) > 100, "extraction found suspiciously few messages"
    return catalog


def test_every_extracted_message_has_an_english_translation(english, extracted):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = english.get(message.id)
        if entry is None:
            missing.append(f"{show(key(message))}  (not in the catalogue; {_where(message)})")
        elif entry.fuzzy:
            missing.append(f"{show(key(message))}  (fuzzy; {_where(message)})")
        elif key(entry) != key(message):
            missing.append(f"{show(key(message))}  (plural form changed; {_where(message)})")
        else:
            strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
            if not strings or not all(s and s.strip() for s in strings):
                missing.append(f"{show(key(message))}  (empty msgstr; {_where(message)})")
    assert not missing, (f"{len(missing)} message(s) lack an English translation:\n  "
                         + "\n  ".join(missing) + "\n" + HOW_TO_FIX)


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:2]) or "no location"


def test_plural_messages_have_both_english_forms(english):
    assert english.num_plurals == 2 and english.plural_expr.replace(" ", "") == "(n!=1)"
    plurals = [m for m in english if m.id and m.pluralizable]
    assert plurals, "the templates use ngettext; the catalogue should hold plural entries"
    for message in plurals:
        assert len(message.string) == 2 and all(message.string), show(key(message))


def test_placeholders_survive_translation(english):
    problems = []
    for message in english:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        # English has two plural forms: msgstr[0] answers msgid, msgstr[1] answers msgid_plural.
        for source, text in zip(ids, strings):
            wanted, got = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(text or ""))
            if wanted - got:
                problems.append(f"{source!r} → {text!r}: missing {sorted(wanted - got)}")
            if got - wanted:
                problems.append(f"{source!r} → {text!r}: adds {sorted(got - wanted)} (a KeyError when shown)")
            # Jinja's gettext always %-formats, so a bare % in a translation breaks the page.
            if "%" in PERCENT.findall(text or ""):
                problems.append(f"{source!r} → {text!r}: a bare '%' (write '%%')")
    assert not problems, "\n".join(problems)


def test_html_free_messages_stay_html_free(english):
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    wrong = [show(key(m)) for m in english if m.id and not tag.search(show(key(m)))
             and any(tag.search(s or "") for s in (m.string if isinstance(m.string, (list, tuple)) else [m.string]))]
    assert not wrong, wrong


def test_compiled_catalogue_matches_the_po(english):
    """The committed .mo says exactly what the .po says (someone edited the .po without compiling?)."""
    assert MO_PATH.exists(), "walkapp/translations/en/LC_MESSAGES/messages.mo is missing. " + HOW_TO_FIX
    with MO_PATH.open("rb") as f:
        compiled = read_mo(f)

    def content(catalog):
        return {key(m): (tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string)
                for m in catalog if m.id and not m.fuzzy and m.string}

    expected, actual = content(english), content(compiled)
    stale = sorted(show(k) for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    assert not stale, (f"messages.mo is out of date for {len(stale)} message(s), e.g. {stale[:5]}. "
                       "Run `.venv/bin/pybabel compile -d walkapp/translations` (part of `make messages`).")
    # And compiling in memory gives the same bytes as pybabel compile did.
    buffer = io.BytesIO()
    write_mo(buffer, english)
    assert buffer.getvalue() == MO_PATH.read_bytes(), (
        "messages.mo differs from a fresh compile of messages.po. "
        "Run `.venv/bin/pybabel compile -d walkapp/translations`.")


# --- the catalogue in use ------------------------------------------------------------------------


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def swedish_left(text: str, english) -> list[str]:
    """Catalogue msgids (long enough to be unambiguous) that appear untranslated on the page."""
    found = []
    for message in english:
        if not message.id or isinstance(message.id, (list, tuple)) or "%" in message.id:
            continue
        if len(message.id) >= 14 and message.id != message.string and message.id in text:
            found.append(message.id)
    return found


@pytest.fixture
def en_client(client):
    client.set_cookie("lang", "en")
    return client


def test_code_page_in_english(en_client, english):
    response = en_client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert '<html lang="en" dir="ltr">' in text
    for phrase in ("Join a safety walk", "Scan the QR code or type in the code your leader gave you.",
                   "Six characters, letters and numbers.", "Staff login", ">Svenska<"):
        assert phrase in text, phrase
    for phrase in ("Gå med i en trygghetsvandring", "Sex tecken, bokstäver och siffror.", "Logga in som personal"):
        assert phrase not in text, phrase
    assert not swedish_left(text, english)


def test_join_page_in_english(en_client, make_walk, english):
    code = make_walk()
    response = en_client.get(f"/j/{code}")
    assert response.status_code == 200
    text = page_text(response)
    for phrase in ("Get started", "Mark here", "My pins", "How does this place feel?", "Very unsafe",
                   "Fairly safe", "Lighting", "Daylight", "Dusk", "Dark", "Take photos of places, not people.",
                   '"zoom_in": "Zoom in"', "0 of 2000 characters"):
        assert phrase in text, phrase
    for phrase in ("Kom igång", "Markera här", "Mina punkter", "Mycket otryggt", "Belysning", "Dagsljus",
                   "Fotografera platser", "Zooma in"):
        assert phrase not in text, phrase
    assert not swedish_left(text, english)


def test_pages_that_say_the_walk_has_not_started_or_has_ended(en_client, make_walk):
    assert "The walk hasn't started yet" in page_text(en_client.get(f"/j/{make_walk(status='draft')}"))
    ended = page_text(en_client.get(f"/j/{make_walk(status='closed')}"))
    assert "The walk has ended – thank you!" in ended and "Vandringen är avslutad" not in ended


def test_leader_walk_list_in_english(en_client, login_as, make_walk, english):
    leader = login_as("leader")
    response = en_client.get("/leader/")
    assert response.status_code == 200
    empty = page_text(response)
    assert "You don't have any walks yet. Create one to get a code and a QR poster." in empty
    make_walk(status="draft", leader=leader, title="Park walk")
    text = page_text(en_client.get("/leader/"))
    for phrase in ("<h1>Walks</h1>", "New walk", "Name", "Date", "Code", "Draft", "Log out", "Park walk"):
        assert phrase in text, phrase
    for phrase in ("Vandringar", "Ny vandring", "Utkast", "Logga ut", "Namn", "Datum"):
        assert phrase not in text, phrase
    assert not swedish_left(text, english)


def test_browser_asking_for_english_gets_english(client):
    text = page_text(client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}))
    assert "Join a safety walk" in text
    text = page_text(client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"}))
    assert "Gå med i en trygghetsvandring" in text


def test_api_error_for_a_bad_pin_in_english(client, make_walk, join):
    code = make_walk()
    token = join(code)
    data = {"client_id": str(uuid.uuid4()), "lat": str(VARBERG[0]), "lon": str(VARBERG[1]), "rating": "9"}
    english = client.post(f"/api/v1/walks/{code}/pins", data=data,
                          headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert english.status_code == 400
    body = english.get_json()
    assert body["error"] == "invalid_rating" and body["field"] == "rating"
    assert body["message"] == "Choose how the place feels: one of the four options."
    swedish = client.post(f"/api/v1/walks/{code}/pins", data={**data, "client_id": str(uuid.uuid4())},
                          headers={"Authorization": f"Bearer {token}", "Accept-Language": "sv"})
    assert swedish.get_json()["message"] == "Välj hur platsen känns: ett av de fyra alternativen."


def test_plural_forms_render_in_english(app, english):
    from flask_babel import ngettext

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert ngettext("%(num)d punkt", "%(num)d punkter", 1) == "1 pin"
        assert ngettext("%(num)d punkt", "%(num)d punkter", 3) == "3 pins"
        assert ngettext("%(num)d person", "%(num)d personer", 2) == "2 people"
