"""Staff login: it works, it is limited, it never redirects off-site, and forms need CSRF tokens."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from walkapp.extensions import db
from walkapp.models import Walk


def login(client, email, password=PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def test_login_and_logout(client, make_user):
    user = make_user("leader")
    resp = login(client, user.email.upper())
    assert resp.status_code == 302 and resp.headers["Location"] == "/staff"
    assert client.get("/staff").headers["Location"] == "/leader/"
    assert client.get("/leader/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/leader/").status_code == 302


@pytest.mark.parametrize(("email", "password"), [("nobody@example.org", PASSWORD), (None, "fel-lösenord")])
def test_wrong_credentials_are_refused_with_a_message(client, make_user, email, password):
    user = make_user("leader")
    resp = login(client, email or user.email, password)
    assert resp.status_code == 200 and "Fel e-post eller lösenord" in resp.get_data(as_text=True)
    assert client.get("/leader/").status_code == 302


def test_deactivated_account_cannot_log_in(client, make_user):
    user = make_user("leader", active=False)
    assert login(client, user.email).status_code == 200
    assert client.get("/leader/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example",
                                    "/\n/evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user("leader")
    resp = login(client, user.email, query_string={"next": target})
    assert resp.headers["Location"] == "/staff"


def test_login_follows_local_next(client, make_user):
    user = make_user("leader")
    assert login(client, user.email, query_string={"next": "/leader/walks/new"}).headers["Location"] == "/leader/walks/new"


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="3 per 1 second", LOGIN_LIMIT_PER_ADDRESS="50 per 1 minute")
    return app_config


def test_repeated_wrong_passwords_are_refused_then_work_after_the_window(limited, client, make_user):
    user = make_user("leader")
    assert [login(client, user.email, "fel").status_code for _ in range(3)] == [200, 200, 200]
    refused = login(client, user.email)  # even the right password waits
    assert refused.status_code == 429
    assert client.get("/leader/").status_code == 302
    time.sleep(1.1)
    assert login(client, user.email).status_code == 302
    assert client.get("/leader/").status_code == 200


def test_limit_per_account_does_not_lock_out_other_accounts(limited, client, make_user):
    victim, other = make_user("leader"), make_user("leader")
    for _ in range(3):
        login(client, victim.email, "fel")
    assert login(client, victim.email).status_code == 429
    assert login(client, other.email).status_code == 302


@pytest.fixture
def limited_address(app_config):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ADDRESS="4 per 1 minute")


def test_limit_per_address_across_accounts(limited_address, client, make_user):
    for i in range(4):
        assert login(client, f"guess{i}@example.org", "fel").status_code == 200
    assert login(client, "guess9@example.org", "fel").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(limited, client, make_user):
    user = make_user("leader")
    for _ in range(5):
        assert login(client, user.email).status_code == 302


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(csrf_on, app, client, login_as):
    login_as("leader")
    resp = client.post("/leader/walks/new", data={"title": "Utan token", "area_mode": "circle", "center_lat": "57.1",
                                                  "center_lon": "12.25", "radius_m": "500", "categories": ["belysning"]})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Walk)) == 0


def test_status_change_without_csrf_token_is_refused(csrf_on, app, client, login_as, make_walk):
    leader = login_as("leader")
    code = make_walk(status="draft", leader=leader)
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    assert client.post(f"/leader/walks/{walk_id}/status", data={"status": "open"}).status_code == 400
    with app.app_context():
        assert db.session.get(Walk, walk_id).status == "draft"


def test_form_with_a_valid_csrf_token_works(csrf_on, app, client, make_user):
    import re

    user = make_user("leader")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302


def test_session_cookie_is_httponly_and_samesite(app, client, make_user):
    user = make_user("leader")
    cookie = login(client, user.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
