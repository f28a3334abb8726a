"""Browser tests: Debian's Chromium driven by Playwright against a real server process on a free port.

Map tiles come through the app's own /tiles/ from a stand-in upstream tile server on loopback (only the
app server talks to it); any request from the browser to another origin than the app's fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import VARBERG, skip_unless_ci
from tests.tile_server import StandInTiles

# What every map tile's address contains: the app's own tile route.
TILE_PATH = "/tiles/"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def _chromiums() -> list[str | None]:
    """The Chromiums to try in turn: WALKAPP_CHROMIUM or Debian's; Playwright's own (None); the
    `chromium` on PATH (what make test checked for)."""
    first = os.environ.get("WALKAPP_CHROMIUM") or next((c for c in CHROMIUM_CANDIDATES if os.path.exists(c)), None)
    return list(dict.fromkeys([first, None, shutil.which("chromium")]))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app running in its own process, sharing its SQLite file with the test process."""

    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.upstream = StandInTiles()  # the tile server the app fetches from (counts what it was asked)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WALKAPP_")},
            "WALKAPP_DATABASE_URL": "sqlite:///" + str(root / "browser.sqlite"),
            "WALKAPP_UPLOAD_DIR": str(root / "uploads"),
            "WALKAPP_ASSETS_DIR": str(root / "assets"),
            "WALKAPP_SECRET_KEY": "browser-test-secret",
            "WALKAPP_TILE_URL": self.upstream.template,
            "WALKAPP_TILE_CACHE_DIR": str(root / "tiles"),
            "WALKAPP_DEFAULT_CENTER": "%s,%s" % VARBERG,
            "WALKAPP_PUBLIC_URL": self.url,
            "WALKAPP_SESSION_COOKIE_SECURE": "0",
            "WALKAPP_REMEMBER_COOKIE_SECURE": "0",
        }
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run a `flask --app walkapp` command against the server's database."""
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "walkapp", *args], env=self.env, cwd=REPO,
                                input=input, capture_output=True, text=True, check=True)
        return result.stdout

    def start(self) -> None:
        self.upstream.start()
        self.flask("db", "upgrade")
        self.flask("assets")  # served as in production: minified, versioned, compressed
        log = open(self.root / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "walkapp", "run", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-reload", "--no-debugger", "--with-threads"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start: " + (self.root / "server.log").read_text())

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
        self.upstream.stop()

    def app(self):
        """An app object on the server's database, for arranging data and checking results."""
        from walkapp import create_app

        return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": self.env["WALKAPP_DATABASE_URL"],
                           "UPLOAD_DIR": self.env["WALKAPP_UPLOAD_DIR"]})


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_ci("playwright is not installed")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    errors = []
    for executable in _chromiums():
        try:
            browser = _playwright.chromium.launch(executable_path=executable) if executable else _playwright.chromium.launch()
            break
        except Exception as err:  # not there, or does not start
            errors.append(f"{executable or 'Playwright’s own'}: {err.__class__.__name__}")
    else:
        skip_unless_ci(f"no Chromium to drive ({'; '.join(errors)}); run `make test` to install it")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def playwright_devices(_playwright):
    return dict(_playwright.devices)


LOST_REQUEST = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"


class Guard:
    """Collects what must never happen on our pages: dialogs, console errors, outside requests."""

    def __init__(self):
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.in_flight: dict = {}  # request -> (when it left, its URL, sent offline), for pages being watched
        self.offline = False  # what the test last told the browser context (see _context)
        self.cut_off = 0  # requests a watched page sent online that failed when the phone went offline

    def settle(self, page, timeout: float = 30_000) -> None:
        """Wait until the page's network is quiet. When Chromium never says so but every request the page
        made has been answered, go on; a request still unanswered fails the test, named with its age."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page.wait_for_load_state("networkidle", timeout=timeout)
        except PlaywrightTimeout:
            now = time.monotonic()
            stuck = [f"{url} ({now - since:.1f} s)" for since, url, _ in self.in_flight.values()]
            assert not stuck, f"requests still unanswered after {timeout / 1000:.0f} s on {page.url}: {stuck}"

    def failed(self, request) -> None:
        _, _, sent_offline = self.in_flight.pop(request, (0.0, "", True))
        if not sent_offline and request.failure == "net::ERR_INTERNET_DISCONNECTED":
            self.cut_off += 1

    def assert_clean(self) -> None:
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.external, f"requests left the machine: {self.external}"
        # Chromium logs a request that was on its way when the test took the phone offline (or that the
        # test cut off the same way); one the page made while it was offline is an error.
        lost = [e for e in self.console_errors if e == LOST_REQUEST]
        errors = [e for e in self.console_errors if e != LOST_REQUEST] + lost[self.cut_off:]
        assert not errors, f"console errors: {errors}"


def _context(browser, server, device: dict | None, guard: Guard, **options):
    context = browser.new_context(**(device or {}), locale="sv-SE", timezone_id="Europe/Stockholm", **options)

    def route(route):
        url = route.request.url
        if url.startswith((server.url + "/", "data:", "blob:")):
            return route.continue_()
        guard.external.append(url)
        return route.abort()

    context.route("**/*", route)
    set_offline = context.set_offline

    def set_offline_watched(offline: bool) -> None:
        set_offline(offline)
        # Marked once Chromium has it: the requests the page sent before are dispatched during the call.
        guard.offline = offline

    context.set_offline = set_offline_watched
    return context


def watch(page, guard: Guard):
    page.on("dialog", lambda d: (guard.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: guard.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: guard.console_errors.append(str(e) + " " + (e.stack or "")))
    page.on("request", lambda r: guard.in_flight.__setitem__(r, (time.monotonic(), r.url, guard.offline)))
    page.on("requestfinished", lambda r: guard.in_flight.pop(r, None))
    page.on("requestfailed", guard.failed)
    return page


@pytest.fixture
def guard():
    return Guard()


@pytest.fixture
def phone(browser, server, guard, playwright_devices):
    """A Pixel 7 with location granted, standing near the middle of Varberg."""
    device = dict(playwright_devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = _context(browser, server, device, guard, geolocation={"latitude": VARBERG[0], "longitude": VARBERG[1], "accuracy": 8},
                       permissions=["geolocation"])
    yield context
    context.close()


@pytest.fixture
def laptop(browser, server, guard):
    """A staff laptop."""
    context = _context(browser, server, None, guard, viewport={"width": 1366, "height": 900})
    yield context
    context.close()


def wait_until(page, expression: str, arg=None, timeout_ms: int = 15_000) -> None:
    """Wait until a JavaScript expression (or a function of `arg`) is truthy in the page.

    page.wait_for_function compiles its expression inside the page with new Function, which our
    Content-Security-Policy forbids (no 'unsafe-eval'); page.evaluate does not, so this polls it.
    Waiting through page.wait_for_timeout keeps route handlers running (see the field notes).
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)


def screenshot(page, name: str) -> Path:
    """Keep a screenshot in test-artifacts/ (git-ignored) to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def chromium_available() -> bool:
    return any(os.path.exists(c) for c in CHROMIUM_CANDIDATES) or shutil.which("chromium") is not None
