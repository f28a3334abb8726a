"""Every page of every audience runs under the Content-Security-Policy without a single violation:
the public and participant pages, and every staff page (from the URL map) as leader, planner and
admin (who logs in with a second factor). Any violation, console error or dialog fails."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from werkzeug.routing import AnyConverter

from tests.browser.conftest import wait_until, watch
from tests.browser.test_planner_pages import _arrange

PASSWORD = "ett-långt-lösenord-för-csp"
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module")
def world(server):
    """A closed, published walk (hostile words, photos), an open walk, and one account per role."""
    from sqlalchemy import select

    from walkapp import geo
    from walkapp.extensions import db
    from walkapp.models import Photo, Pin, Walk, utcnow
    from walkapp.walks import new_join_code, set_area

    data = _arrange(server)
    app = server.app()
    with app.app_context():
        open_walk = Walk(title="Öppen vandring", join_code=new_join_code(), status="open", opened_at=utcnow(), stops=[])
        set_area(open_walk, geo.circle_area(57.1057, 12.2502, 500))
        db.session.add(open_walk)
        db.session.commit()
        data["open"] = open_walk.join_code
        data["open_id"] = open_walk.id
        # A pin with a photo (its photo page is one of the leader's): the first, by id.
        data["pin"] = db.session.scalar(select(Pin.id).join(Photo, Photo.pin_id == Pin.id)
                                        .where(Pin.walk_id == data["walk"]).order_by(Pin.id).limit(1))
        data["party"] = 1
    stamp = time.monotonic_ns()
    accounts = {}
    for role in ("leader", "planner", "admin"):
        email = f"{role}{stamp}@example.org"
        out = server.flask("users", "create", email, "--role", role, "--password-stdin",
                           *(["--totp"] if role == "admin" else []), input=PASSWORD + "\n")
        uri = re.search(r"otpauth://\S+", out)
        accounts[role] = (email, pyotp.parse_uri(uri.group(0)).secret if uri else None)
    data["accounts"] = accounts
    # The leader leads both walks.
    with app.app_context():
        from walkapp.models import User

        leader = db.session.scalar(select(User).where(User.email == accounts["leader"][0]))
        for walk in [db.session.get(Walk, walk_id) for walk_id in (data["walk"], data["open_id"])]:
            walk.staff.append(leader)
        db.session.commit()
        data["user"] = leader.id
    return data


def _staff_urls(server, world, area: str) -> list[str]:
    app = server.app()
    values = {"walk_id": world["walk"], "location_id": world["locations"][0], "pin_id": world["pin"],
              "party_id": world["party"], "user_id": world["user"]}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(f"/{area}/"):
            continue
        args = {}
        for name, converter in rule._converters.items():
            args[name] = sorted(converter.items)[0] if isinstance(converter, AnyConverter) else values[name]
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **args))
    if area == "leader":
        urls += [f"/leader/walks/{world['open_id']}", f"/leader/walks/{world['open_id']}/live",
                 f"/leader/walks/{world['open_id']}/edit"]
    return sorted(set(urls))


def _visit(page, url: str) -> None:
    if url.endswith((".csv", ".geojson")):  # downloads, not pages: the header is checked all the same
        response = page.request.get(url)
        assert response.status == 200 and "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        return
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    if "/feed" in url or url.endswith(".csv") or url.endswith(".geojson"):
        return
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__csp || []")
    assert not violations, (url, violations)
    policy = response.headers.get("content-security-policy", "")
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], policy
    assert "'unsafe-eval'" not in policy


def _login(page, server, email, secret):
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    if secret:
        page.get_by_label("Kod från appen").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/(leader|planner)/"))


@pytest.mark.parametrize("role", ["leader", "planner", "admin"])
def test_every_staff_page_runs_under_the_policy(server, laptop, guard, world, role):
    page = watch(laptop.new_page(), guard)
    page.add_init_script(COLLECT)
    email, secret = world["accounts"][role]
    _login(page, server, email, secret)
    areas = {"leader": ["leader"], "planner": ["planner"], "admin": ["admin", "leader", "planner"]}[role]
    urls = [u for area in areas for u in _staff_urls(server, world, area)] + ["/account/security", "/account/password"]
    for url in urls:
        _visit(page, server.url + url)
    guard.assert_clean()


def test_public_and_participant_pages_run_under_the_policy(server, phone, guard, world):
    page = watch(phone.new_page(), guard)
    page.add_init_script(COLLECT)
    for url in ["/", "/login", f"/j/{world['code']}", f"/j/{world['open']}",
                "/open311/v2/discovery.json"]:
        _visit(page, server.url + url)
    # The phone app itself: join, the map with tiles, the service worker.
    page.goto(f"{server.url}/j/{world['open']}")
    page.get_by_role("button", name="Kom igång").click()
    page.wait_for_selector(".leaflet-tile-loaded")
    wait_until(page, "navigator.serviceWorker.ready.then(() => true)")
    assert not page.evaluate("window.__csp"), page.evaluate("window.__csp")
    guard.assert_clean()
