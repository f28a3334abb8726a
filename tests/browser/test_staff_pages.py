"""Staff pages on a 390 px phone and a 1366 px laptop (issue 11): nothing scrolls sideways, the walk
overview's columns stay apart, tap targets are at least 44 px on phones, the walk form hides what
does not belong to its mode, closing a walk is asked first, the QR poster says when and where and
prints on one A4 page, and stops and area corners can be placed with the keyboard."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _context, screenshot, watch
from tests.browser.staff_data import StaffData, arrange, log_in, visit

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def data(server) -> StaffData:
    return arrange(server)


def staff_pages(d: StaffData) -> list[tuple[str, str, str]]:
    """(name, path, who) for every staff page, by the role that uses it."""
    w = d.walks
    return [
        ("leader-walks", "/leader/", "leader"),
        ("leader-new-walk", "/leader/walks/new", "leader"),
        ("leader-walk-draft", f"/leader/walks/{w['draft']}", "leader"),
        ("leader-walk", f"/leader/walks/{w['open']}", "leader"),
        ("leader-walk-closed", f"/leader/walks/{w['review']}", "leader"),
        ("leader-edit", f"/leader/walks/{w['open']}/edit", "leader"),
        ("leader-confirm-close", f"/leader/walks/{w['open']}/status/closed", "leader"),
        ("leader-confirm-reopen", f"/leader/walks/{w['review']}/status/open", "leader"),
        ("leader-live", f"/leader/walks/{w['open']}/live", "leader"),
        ("leader-pins", f"/leader/walks/{w['open']}/pins", "leader"),
        ("leader-review", f"/leader/walks/{w['review']}/review", "leader"),
        ("leader-poster", f"/leader/walks/{w['open']}/poster", "leader"),
        ("leader-projector", f"/leader/walks/{w['open']}/projector", "leader"),
        ("account-security", "/account/security", "leader"),
        ("account-password", "/account/password", "leader"),
        ("error-404", "/leader/walks/999999", "leader"),
        ("error-403", "/admin/users", "leader"),
        ("planner-actions", "/planner/", "planner"),
        ("planner-map", "/planner/map", "planner"),
        ("planner-location", f"/planner/locations/{d.locations[0]}", "planner"),
        ("planner-walks", "/planner/walks", "planner"),
        ("planner-parties", "/planner/responsible", "planner"),
        ("planner-feedback-preview", f"/planner/walks/{w['done']}/feedback", "planner"),
        ("planner-protocol", f"/planner/walks/{w['done']}/protocol", "planner"),
        ("admin-users", "/admin/users", "admin"),
        ("admin-audit", "/admin/audit", "admin"),
    ]


def _staff(browser, server, guard, d: StaffData, who: str, size: dict):
    context = _context(browser, server, None, guard, **size)
    page = watch(context.new_page(), guard)
    log_in(page, server, getattr(d, who), d)
    return context, page


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _too_wide(page) -> list[str]:
    """The elements that stick out of the window (where their parent does not), to say what to fix."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        const clipped = (el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
        for (const el of document.body.querySelectorAll('*')) {
            if (clipped(el)) continue;
            const r = el.getBoundingClientRect(), p = el.parentElement.getBoundingClientRect();
            if (r.right > width + 0.5 && p.right <= width + 0.5 && r.width > 0)
                out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right - width)}px`);
        }
        return out.slice(0, 5);
    }""")


def _small_targets(page) -> list[str]:
    """Links, buttons and fields lower than 44 px, except links inside a sentence (WCAG's inline exception)."""
    return page.evaluate("""() => {
        const small = [];
        const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
            return r.width > 0 && r.height > 0 && r.right + scrollX > 0 && s.visibility !== 'hidden'
                && !el.closest('[hidden], .leaflet-control-attribution'); };
        for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
            if (!visible(el)) continue;
            if (el.matches('input[type=checkbox], input[type=radio]')) {
                const label = el.closest('label');  // the label is the target
                if (label && label.getBoundingClientRect().height >= 44) continue;
            }
            if (el.matches('a')) {
                const block = el.parentElement.closest('p, li, dd, td, blockquote, div, span');
                const around = block ? block.textContent.replace(el.textContent, '').trim() : '';
                if (around.length > 0 && getComputedStyle(el).display === 'inline') continue;
            }
            const r = el.getBoundingClientRect();
            if (r.height < 44 - 0.5) small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.id).trim().slice(0, 40)}" ${Math.round(r.height)}px`);
        }
        return small;
    }""")


@pytest.mark.parametrize("who", ["leader", "planner", "admin"])
def test_no_staff_page_scrolls_sideways_on_a_phone_and_targets_are_big_enough(browser, server, guard, data, who):
    context, page = _staff(browser, server, guard, data, who, PHONE)
    problems = {}
    for name, path, role in staff_pages(data):
        if role != who:
            continue
        visit(page, server.url + path, guard, expect_error=name.startswith("error-"))
        screenshot(page, f"phone-{name}")
        wide = _overflow(page)
        small = _small_targets(page) if name != "leader-review" else []  # review.html belongs to another change
        if wide > 0 or small:
            problems[name] = {"wider by px": wide, "sticking out": _too_wide(page), "small targets": small}
    guard.assert_clean()
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_walk_overview_columns_stay_apart_on_a_laptop(browser, server, guard, data):
    context, page = _staff(browser, server, guard, data, "leader", LAPTOP)
    page.goto(f"{server.url}/leader/walks/{data.walks['open']}")
    facts = page.locator(".facts").bounding_box()
    now = page.get_by_role("heading", name="Just nu").locator("xpath=..").bounding_box()
    screenshot(page, "laptop-leader-walk")
    assert facts["x"] + facts["width"] <= now["x"], (facts, now)
    for dd in page.locator(".facts dd").all():
        box = dd.bounding_box()
        assert box["x"] + box["width"] <= now["x"], dd.inner_text()
    assert _overflow(page) == 0
    guard.assert_clean()
    context.close()


def test_closing_a_walk_is_asked_first(browser, server, guard, data):
    from walkapp.extensions import db
    from walkapp.models import Walk

    context, page = _staff(browser, server, guard, data, "leader", LAPTOP)
    page.goto(f"{server.url}/leader/walks/{data.walks['recoded']}")
    page.get_by_role("link", name="Avsluta vandringen …").click()
    expect(page.get_by_role("heading", name="Avsluta vandringen?")).to_be_visible()
    expect(page.get_by_text("kan inte skicka nya punkter")).to_be_visible()
    screenshot(page, "laptop-leader-confirm-close")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.locator(".status-open")).to_be_visible()
    with server.app().app_context():
        assert db.session.get(Walk, data.walks["recoded"]).status == "open"
    page.get_by_role("link", name="Avsluta vandringen …").click()
    page.get_by_role("button", name="Ja, avsluta vandringen").click()
    expect(page.get_by_text("Vandringen är avslutad.")).to_be_visible()
    expect(page.locator(".status-closed")).to_be_visible()
    guard.assert_clean()
    context.close()


def test_walk_form_shows_only_the_tools_of_its_mode(browser, server, guard, data):
    context, page = _staff(browser, server, guard, data, "leader", LAPTOP)
    page.goto(server.url + "/leader/walks/new")
    mode = page.get_by_label("Område", exact=True)
    mode.select_option("circle")
    expect(page.get_by_role("button", name="Ångra senaste hörnet")).to_be_hidden()
    expect(page.get_by_role("button", name="Börja om")).to_be_hidden()
    expect(page.get_by_label("Radie (meter)")).to_be_visible()
    screenshot(page, "laptop-walk-form-circle")
    mode.select_option("polygon")
    expect(page.get_by_role("button", name="Ångra senaste hörnet")).to_be_visible()
    expect(page.get_by_label("Radie (meter)")).to_be_hidden()
    guard.assert_clean()
    context.close()


def test_corners_and_stops_can_be_placed_with_the_keyboard(browser, server, guard, data):
    context, page = _staff(browser, server, guard, data, "leader", LAPTOP)
    page.goto(server.url + "/leader/walks/new")
    page.get_by_label("Namn på vandringen").fill("Vandring med tangentbordet")
    page.get_by_label("Område", exact=True).select_option("polygon")
    expect(page.locator(".crosshair")).to_be_visible()
    place = page.get_by_role("button", name="Placera vid kartans mitt")
    area_map = page.locator("#area-map")
    for keys in (["ArrowUp"] * 2, ["ArrowRight"] * 3, ["ArrowDown"] * 4):
        area_map.focus()
        for key in keys:
            page.keyboard.press(key)
        page.wait_for_timeout(350)  # the pan animation
        place.focus()
        page.keyboard.press("Enter")
    expect(page.locator("#map-done")).to_have_text("Hörn 3 är placerat.")
    ring = json.loads(page.locator("#area_geojson").input_value())["coordinates"][0]
    assert len(ring) == 4 and len({tuple(p) for p in ring}) == 3  # three different corners, closed
    page.get_by_role("button", name="Lägg till stopp på kartan").focus()
    page.keyboard.press("Enter")
    place.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-done")).to_have_text("Stopp 1 är placerat.")
    expect(page.get_by_label("Namn på stopp 1")).to_have_value("Stopp 1")
    screenshot(page, "laptop-walk-form-keyboard")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Vandringen är skapad")).to_be_visible()
    guard.assert_clean()
    context.close()


def test_poster_says_when_and_where_and_prints_on_one_a4(browser, server, guard, data):
    context, page = _staff(browser, server, guard, data, "leader", LAPTOP)
    page.goto(f"{server.url}/leader/walks/{data.walks['open']}/poster")
    expect(page.locator(".poster-when")).to_contain_text("kl.")
    expect(page.locator(".poster-when")).to_contain_text("Samling: Mittpunktens entré")
    screenshot(page, "laptop-leader-poster")
    page.emulate_media(media="print")
    screenshot(page, "print-leader-poster")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    guard.assert_clean()
    context.close()
