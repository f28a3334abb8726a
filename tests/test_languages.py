"""The language registry: one list (config LANGUAGES), names, directions and plural forms from CLDR,
Arabic on the participants' pages (right to left), never on staff pages, and its catalogue complete
for every text a participant can meet."""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po

from tests.factories import Page
from walkapp import languages

ROOT = Path(__file__).resolve().parent.parent
# Where the texts a participant (or the public) can meet come from.
PARTICIPANT_SOURCES = ("templates/participant/", "templates/about/help.html", "templates/about/privacy.html",
                       "walkapp/participant/", "walkapp/vocab.py", "walkapp/pin_input.py", "walkapp/errors.py",
                       "walkapp/feedback_page.py", "templates/planner/feedback.html", "templates/errors/")


def test_the_registry_takes_names_directions_and_plurals_from_cldr():
    arabic = languages.language("ar")
    assert (arabic.name, arabic.direction, arabic.staff) == ("العربية", "rtl", False)
    assert arabic.plural_categories == ("zero", "one", "two", "few", "many", "other")
    swedish = languages.language("sv")
    assert (swedish.name, swedish.direction, swedish.plural_categories) == ("Svenska", "ltr", ("one", "other"))
    assert [lang.code for lang in languages.available(["sv", "en", "ar"], staff=True)] == ["sv", "en"]


def test_arabic_participant_pages_are_right_to_left_and_translated(client, make_walk):
    code = make_walk()
    chosen = client.get(f"/lang/ar?next=/j/{code}")
    assert chosen.status_code == 302 and "lang=ar" in chosen.headers["Set-Cookie"]
    html = client.get(f"/j/{code}").get_data(as_text=True)
    page = Page(html)
    assert page.find("html", lang="ar", dir="rtl")
    assert "ابدأ" in page.all_text and "Kom igång" not in page.all_text
    # The other languages are offered in their own names.
    assert page.find("a", href=f"/lang/sv?next=/j/{code}", lang="sv", dir="ltr")
    assert page.find("a", href=f"/lang/en?next=/j/{code}", lang="en")
    # The script's counted texts have all six Arabic forms.
    strings = json.loads(html.split('<script type="application/json" id="i18n">')[1].split("</script>")[0])
    assert set(strings["waiting_chip"]) == {"zero", "one", "two", "few", "many", "other"}
    assert strings["waiting_chip"]["two"] == "نقطتان في الانتظار"
    # The API's messages too.
    refused = client.get("/api/v1/walks/ZZZZZZ/pins", headers={"Accept-Language": "ar"})
    assert refused.get_json()["message"] == "تحتاج إلى الانضمام إلى الجولة أولًا."
    for path in ("/", "/hjalp", "/integritet"):
        assert Page(client.get(path).get_data(as_text=True)).find("html", dir="rtl")


def test_staff_pages_never_speak_a_participants_only_language(client, login_as):
    client.set_cookie("lang", "ar")
    login_as("leader")
    page = Page(client.get("/leader/walks", headers={"Accept-Language": "ar"}).get_data(as_text=True))
    assert page.find("html", lang="sv", dir="ltr")
    assert not page.find("a", lang="ar")  # and the switch does not offer it
    assert client.get("/lang/xx").status_code == 404


def test_the_arabic_catalogue_covers_every_participant_text():
    with (ROOT / "walkapp/translations/ar/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f, locale="ar")
    assert catalogue.num_plurals == 6
    missing = []
    for message in catalogue:
        if not message.id or not any(loc.startswith(PARTICIPANT_SOURCES) for loc, _ in message.locations):
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms) or message.fuzzy:
            missing.append(message.id)
    assert not missing, f"untranslated in Arabic: {missing[:20]} (run make messages, translate, compile)"
