"""Several app servers, one state: two app processes on different ports, sharing only PostgreSQL, an
S3 bucket, Redis and the secret key (each has an upload folder of its own, left empty), behave as one.

A pin with a photo sent to one is seen with its photo on the other; a staff login made on one works on
the other, and logging out on one ends it on both; failed logins are counted across both.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests import photo_samples
from tests.conftest import PASSWORD, TAKEN_AT, VARBERG, skip_unless_ci
from tests.instances import AWS_ENV, AppProcess, StandInS3, fresh_database, require_postgres
from walkapp import create_app, geo
from walkapp.extensions import db
from walkapp.models import User, Walk, utcnow
from walkapp.walks import new_join_code, set_area

pytestmark = pytest.mark.postgres

REDIS_URL = os.environ.get("WALKAPP_TEST_REDIS_URL")
LEADER = "ledare@example.org"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two app processes on one fresh database, one bucket and one Redis; yields (one, two, walk's code)."""
    require_postgres()
    if not REDIS_URL:
        skip_unless_ci("WALKAPP_TEST_REDIS_URL is not set")
    root = tmp_path_factory.mktemp("scale-out")
    s3 = StandInS3().start()
    prefix = "scale-out-" + uuid.uuid4().hex
    with fresh_database("walkapp_scale_out") as database:
        shared = {
            **AWS_ENV,
            "WALKAPP_DATABASE_URL": database,
            "WALKAPP_PHOTO_STORAGE": f"s3://{s3.new_bucket()}/photos",
            "WALKAPP_S3_ENDPOINT_URL": s3.url,
            "WALKAPP_RATELIMIT_STORAGE_URI": REDIS_URL,
            "WALKAPP_RATELIMIT_KEY_PREFIX": prefix,
            "WALKAPP_SECRET_KEY": "one-secret-for-every-server",
            "WALKAPP_SESSION_COOKIE_SECURE": "0",
            "WALKAPP_REMEMBER_COOKIE_SECURE": "0",
            "WALKAPP_DEFAULT_CENTER": "%s,%s" % VARBERG,
            "WALKAPP_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        }
        one, two = (AppProcess({**shared, "WALKAPP_UPLOAD_DIR": str(root / name / "uploads"),
                                "WALKAPP_TILE_CACHE_DIR": str(root / name / "tiles"),
                                "WALKAPP_ASSETS_DIR": str(root / name / "assets")}, root / f"{name}.log")
                    for name in ("one", "two"))
        try:
            one.flask("db", "upgrade")  # once, for both
            one.flask("users", "create", LEADER, "--role", "leader", "--password-stdin", input=PASSWORD + "\n")
            code = _open_walk(database)
            for server in (one.start(), two.start()):
                server.wait_until_up()
            yield one, two, code, root
        finally:
            for server in (one, two):
                server.stop()
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)
            client.close()
            s3.stop()


def _open_walk(database: str) -> str:
    """An open walk around Varberg led by LEADER; its join code."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database})
    with app.app_context():
        leader = db.session.scalar(select(User).where(User.email == LEADER))
        walk = Walk(title="Vandring vid Mittpunkten", join_code=new_join_code(), status="open",
                    opened_at=utcnow() - dt.timedelta(hours=1), created_by_id=leader.id, stops=[])
        set_area(walk, geo.circle_area(*VARBERG, 600))
        walk.staff.append(leader)
        db.session.add(walk)
        db.session.commit()
        code = walk.join_code
        db.session.remove()
        db.engine.dispose()
    return code


class _CsrfToken(HTMLParser):
    """The first CSRF token of a page's forms."""

    def __init__(self, html: str):
        super().__init__()
        self.value: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.value is None and tag == "input" and attrs.get("name") == "csrf_token":
            self.value = attrs.get("value")


def _token(session, url: str) -> str:
    token = _CsrfToken(session.get(url).text).value
    assert token, url
    return token


def _log_in(session, server, email: str, password: str):
    return session.post(server.url + "/login", data={"csrf_token": _token(session, server.url + "/login"),
                                                     "email": email, "password": password}, allow_redirects=False)


def test_a_pin_with_a_photo_sent_to_one_server_is_seen_with_its_photo_on_the_other(servers):
    import requests

    one, two, code, root = servers
    token = requests.post(f"{one.url}/api/v1/walks/{code}/participants").json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    form = {"client_id": str(uuid.uuid4()), "lat": str(VARBERG[0]), "lon": str(VARBERG[1]), "accuracy_m": "8",
            "rating": "2", "categories": ["belysning", "tunnel"], "comment": "Mörk tunnel", "light": "skymning",
            "taken_at": TAKEN_AT}
    photo = photo_samples.camera_jpeg(width=1200, height=900)
    sent = requests.post(f"{one.url}/api/v1/walks/{code}/pins", data=form, headers=auth,
                         files={"photo": ("IMG_0001.jpg", photo, "image/jpeg")})
    assert sent.status_code == 201, sent.text
    pin = sent.json()

    seen = requests.get(f"{two.url}/api/v1/walks/{code}/pins", headers=auth).json()["pins"]
    [same] = [p for p in seen if p["id"] == pin["id"]]
    assert (same["comment"], same["rating"], same["photo"]["url"]) == ("Mörk tunnel", 2, pin["photo"]["url"])
    from_one = requests.get(one.url + pin["photo"]["url"], headers=auth)
    from_two = requests.get(two.url + pin["photo"]["url"], headers=auth)
    assert from_one.status_code == from_two.status_code == 200
    assert from_two.content == from_one.content and from_two.headers["Content-Type"] == "image/jpeg"
    # The same client_id again, now to the other server: the same pin, not a second one.
    again = requests.post(f"{two.url}/api/v1/walks/{code}/pins", data=form, headers=auth,
                          files={"photo": ("IMG_0001.jpg", photo, "image/jpeg")})
    assert again.status_code == 200 and again.json()["id"] == pin["id"]
    # The leader, logged in on the first server, sees the photo through the second.
    staff = requests.Session()
    assert _log_in(staff, one, LEADER, PASSWORD).status_code == 302
    assert staff.get(two.url + pin["photo"]["url"]).content == from_one.content
    # Nothing was kept on either server's own disk.
    assert not any(p.is_file() for name in ("one", "two") for p in (root / name).rglob("*.jpg"))


def test_logging_out_on_one_server_ends_the_session_on_the_other(servers):
    import requests

    one, two, _code, _root = servers
    browser = requests.Session()
    assert _log_in(browser, one, LEADER, PASSWORD).status_code == 302
    cookie = browser.cookies.get("session")
    on_two = browser.get(two.url + "/leader/", allow_redirects=False)
    assert on_two.status_code == 200, "logged in on one, in on the other"
    copy = requests.Session()  # the same cookie, kept elsewhere
    copy.cookies.set("session", cookie)
    assert copy.get(one.url + "/leader/", allow_redirects=False).status_code == 200

    assert browser.post(two.url + "/logout", data={"csrf_token": _token(browser, two.url + "/leader/")},
                        allow_redirects=False).status_code == 302
    for server in (one, two):
        gone = copy.get(server.url + "/leader/", allow_redirects=False)
        assert gone.status_code == 302 and "/login" in gone.headers["Location"], server.url


def test_failed_logins_are_counted_across_both_servers(servers):
    import requests

    one, two, _code, _root = servers
    guesser = requests.Session()
    # Another account than the leader's, so the other tests can still log in from this address.
    outcomes = [_log_in(guesser, two if i % 2 else one, "rektor@example.org", "fel-lösenord").status_code
                for i in range(12)]
    assert outcomes[:10] == [200] * 10 and outcomes[10:] == [429, 429], outcomes
