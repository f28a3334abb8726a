"""axe-core (WCAG 2.1 A and AA) on every page of every audience, at phone (390×844) and laptop
(1366×768) sizes: 0 violations. The participant's pages (code, join, intro, map, the form, after the
walk), staff pages (leader, planner, admin, account, errors), login and the accessibility statement,
which every page links to."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _context, watch
from tests.browser.staff_data import StaffData, arrange, log_in, visit
from tests.browser.test_staff_pages import LAPTOP, PHONE, staff_pages

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
SIZES = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture(scope="module")
def data(server) -> StaffData:
    return arrange(server)


def _violations(page) -> list[dict]:
    """axe's violations on the page as it is now, short enough to read in a failure message."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_21_AA)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [" ".join(n["target"]) if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"]][:5]}
            for v in results.response["violations"]]


def _check(page, name: str, found: dict, footer: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    violations = _violations(page)
    if violations:
        found[name] = violations
    if footer:
        # Every page links to the accessibility statement.
        assert page.locator("footer a[href='/tillganglighet']").count() >= 1, f"{name}: no link to the statement"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["leader", "planner", "admin"])
def test_staff_pages_have_no_axe_violations(browser, server, guard, data, who, size):
    context = _context(browser, server, None, guard, **SIZES[size])
    page = watch(context.new_page(), guard)
    found: dict = {}
    if who == "admin":
        # The login pages, on the way in: password, then setting up (or giving) the second factor.
        page.goto(server.url + "/login")
        _check(page, "login", found)
        page.get_by_label("E-post").fill(data.admin)
        page.get_by_label("Lösenord").fill("fel lösenord")
        page.get_by_role("button", name="Logga in").click()
        _check(page, "login-error", found)
    log_in(page, server, getattr(data, who), data)
    for name, path, role in staff_pages(data):
        if role != who:
            continue
        visit(page, server.url + path, guard, expect_error=name.startswith("error-"))
        _check(page, name, found)
    page.goto(server.url + "/tillganglighet")
    _check(page, "accessibility-statement", found)
    context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    guard.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_second_factor_pages_have_no_axe_violations(browser, server, guard, data, size):
    context = _context(browser, server, None, guard, **SIZES[size])
    page = watch(context.new_page(), guard)
    found: dict = {}
    # A fresh admin: the first login sets up the app; the next one asks for its code.
    fresh = arrange_admin(server)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(fresh)
    page.get_by_label("Lösenord").fill(_password())
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Tvåstegsverifiering")).to_be_visible()
    _check(page, "login-enrol", found)
    context.close()
    if data.admin_secret is None:  # the admin's first login sets up the second factor
        context = _context(browser, server, None, guard, **SIZES[size])
        page = watch(context.new_page(), guard)
        log_in(page, server, data.admin, data)
        context.close()
    context = _context(browser, server, None, guard, **SIZES[size])
    page = watch(context.new_page(), guard)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(data.admin)
    page.get_by_label("Lösenord").fill(_password())
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Kod från appen")).to_be_visible()
    _check(page, "login-code", found)
    context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    guard.assert_clean()


@pytest.mark.parametrize("size", SIZES)
def test_participant_and_public_pages_have_no_axe_violations(browser, server, guard, data, size):
    context = _context(browser, server, None, guard, **SIZES[size],
                       geolocation={"latitude": 57.1057, "longitude": 12.2502, "accuracy": 8}, permissions=["geolocation"])
    page = watch(context.new_page(), guard)
    found: dict = {}
    c = data.codes
    for name, path in [("code", "/"), ("code-not-found", "/?code=ZZZZZZ"), ("not-started", f"/j/{c['draft']}"),
                       ("closed", f"/j/{c['review']}"), ("feedback", f"/j/{c['done']}"),
                       ("code-changed", f"/j/{data.retired_code}"), ("statement", "/tillganglighet"),
                       ("error-404", "/finns-inte"), ("login", "/login")]:
        visit(page, server.url + path, guard, expect_error=name in ("code-not-found", "error-404", "code-changed"))
        _check(page, name, found)
    page.goto(f"{server.url}/j/{c['open']}")
    _check(page, "intro", found)
    page.get_by_role("button", name="Kom igång").click()
    expect(page.get_by_role("button", name="Markera här")).to_be_visible()
    _check(page, "map", found, footer=False)
    page.get_by_role("button", name="Markera här").click()
    expect(page.locator("#sheet")).to_be_visible()
    _check(page, "map-form", found, footer=False)
    context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def _password() -> str:
    from tests.browser.staff_data import PASSWORD

    return PASSWORD


def arrange_admin(server) -> str:
    """An admin account that has never logged in (so it must set up its second factor)."""
    import time

    from werkzeug.security import generate_password_hash

    from walkapp.extensions import db
    from walkapp.models import User

    email = f"ny-admin{time.monotonic_ns()}@example.org"
    with server.app().app_context():
        db.session.add(User(email=email, display_name="Ny Admin", role="admin", password_hash=generate_password_hash(_password())))
        db.session.commit()
    return email
