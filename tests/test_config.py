"""Configuration order and the secret key rule."""

from __future__ import annotations

import pytest

from walkapp import config, create_app


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("WALKAPP_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_environment_overrides_test_config(clean_env, tmp_path):
    clean_env.setenv("WALKAPP_DEFAULT_CENTER", "59.33,18.06")
    clean_env.setenv("WALKAPP_UPLOAD_DIR", str(tmp_path / "up"))
    clean_env.setenv("WALKAPP_DATABASE_URL", "postgresql://u@db/walks")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DEFAULT_CENTER": "1,2"})
    assert app.config["DEFAULT_CENTER_LATLON"] == (59.33, 18.06)
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "up")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/walks"


def test_defaults_keep_data_in_instance_folder(clean_env):
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///" + app.instance_path)
    assert app.config["UPLOAD_DIR"].startswith(app.instance_path)
    assert app.config["DEFAULT_CENTER_LATLON"] == (57.1057, 12.2502)


def test_secret_key_file_is_created_once_private_and_reused(tmp_path):
    first = config.instance_secret_key(str(tmp_path))
    assert len(first) >= 40 and config.instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_a_configured_secret_the_instance_key_is_used(clean_env, monkeypatch):
    seen = []
    monkeypatch.setattr(config, "instance_secret_key", lambda path: seen.append(path) or "from-instance")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-instance" and seen == [app.instance_path]


def test_production_cookies_are_secure_unless_switched_off(clean_env):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    clean_env.setenv("WALKAPP_SESSION_COOKIE_SECURE", "0")
    assert create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).config["SESSION_COOKIE_SECURE"] is False


def test_bad_center_is_a_clear_error(clean_env):
    clean_env.setenv("WALKAPP_DEFAULT_CENTER", "Varberg")
    with pytest.raises(ValueError, match="lat,lon"):
        create_app({"TESTING": True, "SECRET_KEY": "x"})


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("WALKAPP_STAFF_IDLE_MINUTES", "30", 30),
    ("WALKAPP_CLUSTER_EPS_M", "12.5", 12.5),
    ("WALKAPP_SESSION_COOKIE_SECURE", "false", False),
    ("WALKAPP_RATELIMIT_HEADERS_ENABLED", "off", False),
    ("WALKAPP_TOTP_REQUIRED_ROLES", "admin, leader", ["admin", "leader"]),
    ("WALKAPP_PHOTO_WAIT_SECONDS", "5", 5.0),
    ("WALKAPP_CONTACT_EMAIL", "a@b.se", "a@b.se"),
])
def test_every_setting_takes_its_type_from_its_default(clean_env, name, text, expected):
    clean_env.setenv(name, text)
    value = create_app({"TESTING": True, "SECRET_KEY": "x"}).config[name.removeprefix("WALKAPP_")]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("name", "text"), [("WALKAPP_STAFF_IDLE_MINUTES", "soon"), ("WALKAPP_PROXY_COUNT", "1.5"),
                                            ("WALKAPP_SESSION_COOKIE_SECURE", "maybe")])
def test_a_setting_of_the_wrong_type_is_a_clear_error(clean_env, name, text):
    clean_env.setenv(name, text)
    with pytest.raises(ValueError, match=name):
        create_app({"TESTING": True, "SECRET_KEY": "x"})


def test_unknown_settings_are_logged_not_warned(clean_env, caplog):
    import logging

    clean_env.setenv("WALKAPP_TILE_CACHE_MBB", "500")
    with caplog.at_level(logging.INFO, logger="walkapp"):
        create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert "WALKAPP_TILE_CACHE_MBB" in caplog.text


def test_one_setting_for_the_local_time_zone(clean_env, app_config):
    from walkapp import timefmt

    clean_env.setenv("WALKAPP_TIMEZONE", "Europe/Helsinki")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x"})
        assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Helsinki"
        assert str(timefmt.local_zone()) == "Europe/Helsinki"
    finally:
        timefmt.set_local_zone("Europe/Stockholm")


def test_new_walks_start_from_the_configured_radius_and_clustering(clean_env, app_config, client, make_user):
    from tests.conftest import log_in

    clean_env.setenv("WALKAPP_DEFAULT_RADIUS_M", "750")
    clean_env.setenv("WALKAPP_CLUSTER_EPS_M", "30")
    app = create_app(app_config)
    from walkapp.extensions import db

    with app.app_context():
        db.create_all()
    other = app.test_client()
    log_in(other, make_user("leader"))
    page = other.get("/leader/walks/new").get_data(as_text=True)
    assert 'name="radius_m"' in page and 'value="750"' in page and 'value="30.0"' in page
