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
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT_ADDRESS="3 per 1 second",
                      LOGIN_LIMIT_PER_ADDRESS="50 per 1 minute")
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


# --- sessions end ---------------------------------------------------------------------------------


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_saved_before_logout_is_dead_after_it(app, make_user):
    user = make_user("leader")
    browser = app.test_client()
    login(browser, user.email)
    saved = _cookie(browser)
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    resp = thief.get("/leader/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_deactivating_an_account_ends_its_sessions(app, make_user):
    user = make_user("leader")
    browser = app.test_client()
    login(browser, user.email)
    assert browser.get("/leader/").status_code == 200
    admin = app.test_client()
    from tests.conftest import log_in

    log_in(admin, make_user("admin"))
    assert admin.post(f"/admin/users/{user.id}", data={"active": "0"}).status_code == 302
    assert browser.get("/leader/").status_code == 302


@pytest.mark.parametrize(("key", "age_s"), [("seen_at", 61 * 60), ("login_at", 13 * 3600)])
def test_idle_and_old_sessions_end(app, client, make_user, key, age_s):
    user = make_user("planner")
    login(client, user.email)
    with client.session_transaction() as session:
        session[key] -= age_s
    resp = client.get("/planner/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_activity_keeps_a_session_alive(app, client, make_user):
    user = make_user("planner")
    login(client, user.email)
    with client.session_transaction() as session:
        session["seen_at"] -= 59 * 60
    assert client.get("/planner/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 5


# --- second factor -------------------------------------------------------------------------------


def _secret_on(page: str) -> str:
    import re

    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)


def test_an_admin_sets_up_a_second_factor_at_first_login_and_needs_it_after(app, client, make_user):
    import pyotp

    admin = make_user("admin")
    resp = login(client, admin.email)
    assert resp.headers["Location"] == "/login/enrol"
    assert client.get("/admin/users").status_code == 302  # not in yet
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page
    secret = _secret_on(page)
    assert "Koden stämmer inte" in client.post("/login/enrol", data={"code": "000000"}).get_data(as_text=True)
    assert client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/admin/users").status_code == 200
    client.post("/logout")

    # Next time: the password, then a code; the same code never works twice.
    assert login(client, admin.email).headers["Location"] == "/login/code"
    assert client.get("/admin/users").status_code == 302
    totp = pyotp.TOTP(secret)
    used = totp.at(time.time() + 30)  # the next step (a phone clock a little ahead)
    assert client.post("/login/code", data={"code": used}).status_code == 302
    assert client.get("/admin/users").status_code == 200
    client.post("/logout")
    login(client, admin.email)
    assert client.post("/login/code", data={"code": used}).status_code == 200  # replayed: refused
    assert client.get("/admin/users").status_code == 302


def test_a_leader_may_turn_the_second_factor_on_and_off(app, client, make_user):
    import pyotp

    leader = make_user("leader")
    assert login(client, leader.email).headers["Location"] == "/staff"
    secret = _secret_on(client.get("/account/security").get_data(as_text=True))
    client.post("/account/security", data={"code": pyotp.TOTP(secret).now()})
    client.post("/logout")
    assert login(client, leader.email).headers["Location"] == "/login/code"
    client.post("/login/code", data={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert client.get("/leader/").status_code == 200
    client.post("/account/security", data={"action": "disable", "code": pyotp.TOTP(secret).at(time.time() - 30)})
    client.post("/logout")
    assert login(client, leader.email).headers["Location"] == "/staff"


def test_a_pending_login_expires(app, client, make_user):
    admin = make_user("admin")
    login(client, admin.email)
    with client.session_transaction() as session:
        session["login_pending"]["at"] -= 600
        session.modified = True
    assert client.get("/login/enrol").headers["Location"] == "/login"


def test_cli_creates_an_account_with_a_second_factor(app, runner):
    import re

    import pyotp

    result = runner.invoke(args=["users", "create", "boss@example.org", "--role", "admin", "--password-stdin", "--totp"],
                           input="ett-långt-lösenord\n")
    assert result.exit_code == 0, result.output
    uri = re.search(r"otpauth://\S+", result.output).group(0)
    secret = pyotp.parse_uri(uri).secret
    client = app.test_client()
    assert login(client, "boss@example.org", "ett-långt-lösenord").headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302


# --- limits that cannot be turned against staff ----------------------------------------------------


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def production_limits(app_config):
    app_config.update(RATELIMIT_ENABLED=True)


def test_someone_elses_guessing_does_not_lock_the_real_user_out(production_limits, app, make_user):
    user = make_user("leader")
    attacker, staff = app.test_client(), app.test_client()
    outcomes = [login(attacker, user.email, "fel", **_from("203.0.113.9")).status_code for _ in range(12)]
    assert outcomes[:10] == [200] * 10 and set(outcomes[10:]) == {429}, outcomes
    assert login(staff, user.email, **_from("198.51.100.7")).status_code == 302
    assert staff.get("/leader/").status_code == 200


def test_changing_the_password_ends_the_other_sessions(app, make_user):
    user = make_user("planner")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email)
    login(elsewhere, user.email)
    resp = here.post("/account/password", data={"current": "fel", "new": "ett-nytt-långt-lösenord"})
    assert "stämmer inte" in resp.get_data(as_text=True)
    assert here.post("/account/password", data={"current": PASSWORD, "new": "ett-nytt-långt-lösenord"}).status_code == 302
    assert here.get("/planner/").status_code == 200
    assert elsewhere.get("/planner/").status_code == 302
    assert login(app.test_client(), user.email, "ett-nytt-långt-lösenord").status_code == 302
