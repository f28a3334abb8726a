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
