"""The participant pages without a browser: the code page, the QR target in each state, the offline files."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from walkapp.participant.pages import SHELL_FILES


class Page(HTMLParser):
    """The parts of a page these tests look at: elements with their attributes, text, and JSON blocks."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.json: dict[str, object] = {}
        self._json_id: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script" and attrs.get("type") == "application/json":
            self._json_id = attrs.get("id")

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_id = None

    def handle_data(self, data):
        if self._json_id:
            self.json[self._json_id] = json.loads(data)
        elif data.strip():
            self.text.append(" ".join(data.split()))

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def has_text(self, text: str) -> bool:
        return any(text in chunk for chunk in self.text)


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


def status_of(client, url: str) -> int:
    """The status of a GET, with the file response closed (static files stream from disk)."""
    with client.get(url) as response:
        return response.status_code


def test_code_page_has_a_large_labelled_code_field(client):
    page = page_of(client.get("/"))
    [field] = page.all("input", name="code")
    assert field["id"] == "code" and "required" in field
    assert page.all("label", **{"for": "code"})
    assert page.all("form", method="get")


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {spaced} "])
def test_a_typed_code_leads_to_the_walk(client, make_walk, typed):
    code = make_walk()
    value = typed.format(code=code, lower=code.lower(), spaced=code[:3] + " " + code[3:])
    response = client.get("/", query_string={"code": value})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/j/{code}"


@pytest.mark.parametrize("url", ["/?code=ABCDEF", "/?code=", "/j/ABCDEF", "/j/nope"])
def test_an_unknown_code_shows_the_code_field_again(client, url):
    response = client.get(url)
    assert response.status_code == 404
    page = page_of(response)
    assert page.all("input", name="code")
    assert page.all("p", id="code-error", role="alert")


def test_a_lower_case_link_redirects_to_the_walk(client, make_walk):
    code = make_walk()
    response = client.get(f"/j/{code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == f"/j/{code}"


def test_open_walk_shows_the_intro_and_the_app(client, make_walk):
    code = make_walk(title="Runt Mittpunkten")
    response = client.get(f"/j/{code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    page = page_of(response)
    assert page.has_text("Runt Mittpunkten")
    assert page.has_text("Du är anonym.")
    assert page.has_text("Fotografera platser, inte människor.")
    assert page.has_text("Resultatet ser du här, på samma länk.")
    assert page.has_text("Är du under 13? Då går du med i ledarens grupp, och ledaren har fått okej från dina föräldrar.")
    assert [b for b in page.all("button", id="start")]
    assert page.json["page-data"]["walk"]["code"] == code
    assert page.json["page-data"]["tiles"]["url"] == "/tiles/{z}/{x}/{y}.png"
    assert page.json["i18n"]["ratings"]["1"] == "Mycket otryggt"


def test_the_form_offers_the_walks_categories_ratings_and_a_camera(client, make_walk):
    page = page_of(client.get(f"/j/{make_walk()}"))
    assert [r["value"] for r in page.all("input", name="rating")] == ["1", "2", "3", "4"]
    chips = page.all("button", **{"class": "chip"})
    assert [c["data-key"] for c in chips][:2] == ["belysning", "skymd_sikt"] and len(chips) == 10
    assert all(c["aria-pressed"] == "false" for c in chips)
    [photo] = page.all("input", type="file")
    assert photo["accept"] == "image/*" and photo["capture"] == "environment"
    [comment] = page.all("textarea", name="comment")
    assert comment["maxlength"] == "2000"
    assert [r["value"] for r in page.all("input", name="light")] == ["dagsljus", "skymning", "morker"]
    assert [r["data-stop"] for r in page.all("input", name="where", value="stop")] == ["Stopp 1"]


def test_english_follows_the_browser(client, make_walk):
    code = make_walk()
    page = page_of(client.get(f"/j/{code}", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert page.all("html", lang="en")
    swedish = page_of(client.get(f"/j/{code}"))
    assert swedish.all("html", lang="sv")
    assert swedish.all("a", lang="en", href=f"/lang/en?next=/j/{code}")


def test_draft_walk_has_not_started(client, make_walk):
    response = client.get(f"/j/{make_walk(status='draft')}")
    assert response.status_code == 200
    page = page_of(response)
    assert page.has_text("Vandringen har inte börjat än")
    assert not page.all("button", id="start")


def test_closed_walk_thanks_the_participants(client, make_walk):
    response = client.get(f"/j/{make_walk(status='closed')}")
    assert response.status_code == 200
    page = page_of(response)
    assert page.has_text("Vandringen är avslutad – tack!")
    assert not page.all("button", id="start")


def test_closed_walk_shows_the_feedback_once_published(app, client, make_walk, join, make_pin):
    from sqlalchemy import select

    from walkapp.extensions import db
    from walkapp.locations import cluster_walk
    from walkapp.models import Walk, utcnow

    from walkapp.models import Pin

    code = make_walk()
    make_pin(code, join(code), comment="Lampan i tunneln är trasig")
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.status = "closed"
        cluster_walk(walk)
        db.session.scalar(select(Pin)).comment_approved = True  # a leader read the words and let them go public
        db.session.commit()
    assert page_of(client.get(f"/j/{code}")).has_text("Vandringen är avslutad – tack!")
    with app.app_context():
        db.session.scalar(select(Walk).where(Walk.join_code == code)).feedback_published_at = utcnow()
        db.session.commit()
    page = page_of(client.get(f"/j/{code}"))
    assert not page.has_text("Vandringen är avslutad – tack!")
    assert page.has_text("Lampan i tunneln är trasig")


def test_manifest_is_served_as_a_web_app_manifest(client):
    with client.get("/static/manifest.webmanifest") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/manifest+json"
        manifest = response.get_json(force=True)
    assert manifest["name"] == "Trygghetsvandring" and manifest["lang"] == "sv"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    assert any(i["purpose"] == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:
        assert status_of(client, icon["src"]) == 200


def test_service_worker_is_served_from_the_root_with_its_files(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    settings = json.loads(re.match(r"self\.WALKAPP = (\{.*?\});\n", body).group(1))
    assert settings["tiles"] == "/tiles/{z}/{x}/{y}.png"
    for url in settings["assets"]:
        assert status_of(client, url) == 200, url
    assert client.get("/sw.js").get_data() == response.get_data()  # the same bytes: no needless reinstall


def test_the_service_worker_keeps_every_file_the_walk_page_loads(client, make_walk):
    page = page_of(client.get(f"/j/{make_walk()}"))
    loaded = {a["src"] for a in page.all("script") if "src" in a}
    loaded |= {a["href"] for t in ("link",) for a in page.all(t) if a.get("rel") in ("stylesheet", "modulepreload", "manifest", "icon")}
    kept = {"/static/" + name for name in SHELL_FILES}
    assert loaded and loaded <= kept


@pytest.mark.parametrize("status", ["open", "draft", "closed"])
def test_no_page_loads_anything_from_elsewhere(client, make_walk, status):
    """Only our own files; the configured tile server is the one outside address the phone may use."""
    html = client.get(f"/j/{make_walk(status=status)}").get_data(as_text=True)
    page = Page(html)
    for tag, attrs in page.elements:
        for name in ("src", "href", "action", "poster", "data"):
            value = attrs.get(name)
            if value and not (tag == "a" and name == "href"):
                assert value.startswith("/") and not value.startswith("//"), (tag, attrs)
    outside = set(re.findall(r"https?://[^\s\"'<>\\]+", html))
    assert outside <= {"https://www.openstreetmap.org/copyright"}  # the attribution's link, not a request
