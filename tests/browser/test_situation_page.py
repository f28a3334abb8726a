"""The situation report as a planner sees it at a laptop and on a phone: charts drawn, nothing
sideways, no console errors (the CSP allows no inline script or style)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, watch
from tests.factories import TWO_PLACES, arrange
from walkapp.models import utcnow

PASSWORD = "planerarens-långa-lösen"


class _Walks:
    """make_walk for arrange(), against the browser tests' server."""

    def __init__(self, server):
        from tests.browser.test_participant_app import make_walk

        self.make = lambda **fields: make_walk(server, **fields)

    def __call__(self, **fields):
        return self.make(**fields)


def test_the_situation_report_page(server, laptop, phone, guard):
    app = server.app()
    arrange(app, _Walks(server), TWO_PLACES, when=utcnow() - dt.timedelta(days=30), title="Runt Mittpunkten")
    email = f"planerare{utcnow().timestamp():.0f}@example.org"
    server.flask("users", "create", email, "--role", "planner", "--password-stdin", input=PASSWORD + "\n")
    for name, context in (("laptop", laptop), ("phone", phone)):
        page = watch(context.new_page(), guard)
        page.goto(server.url + "/login")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.goto(server.url + "/planner/lagesbild")
        expect(page.get_by_role("heading", name="Lägesbild", exact=True)).to_be_visible()
        expect(page.locator("figure.chart svg")).to_have_count(4)
        expect(page.locator("figure.chart").first).to_contain_text("Platser per status")
        screenshot(page, f"{name}-planner-situation")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.close()
    guard.assert_clean()
