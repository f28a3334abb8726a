"""Security headers on every response: CSP with a fresh nonce, no inline or eval scripts, HSTS on
HTTPS (also behind a proxy), and location and camera for our own pages only."""

from __future__ import annotations

import re

import pytest


def _directives(policy: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


@pytest.mark.parametrize("url", ["/", "/login", "/sw.js", "/static/css/phone.css", "/api/v1/openapi.json", "/nowhere"])
def test_every_response_has_a_strict_script_policy(client, url):
    with client.get(url) as resp:
        headers = resp.headers
    policy = _directives(headers["Content-Security-Policy"])
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{24}'", policy["script-src"])
    assert "unsafe" not in policy["script-src"]
    for name, value in {"object-src": "'none'", "base-uri": "'none'", "form-action": "'self'",
                        "frame-ancestors": "'self'"}.items():
        assert policy[name] == value
    assert headers["Permissions-Policy"].startswith("geolocation=(self), camera=(self)")


def test_the_nonce_is_new_for_every_response_and_used_by_the_map(app, client, make_walk, login_as):
    from tests.factories import arrange

    arrange(app, make_walk, [{}])
    login_as("planner")
    first, second = client.get("/planner/map"), client.get("/planner/map")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    assert f'<script nonce="{nonces[1]}">' in second.get_data(as_text=True)


def test_images_and_fetches_come_from_our_own_origin_even_with_a_tile_server_elsewhere(app_config):
    from walkapp import create_app

    other = create_app({**app_config, "TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"})
    policy = _directives(other.test_client().get("/").headers["Content-Security-Policy"])
    assert policy["img-src"] == "'self' data: blob:"  # tiles come through /tiles/
    assert policy["connect-src"] == "'self'"
    assert "tiles.example.org" not in other.test_client().get("/").headers["Content-Security-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.fixture
def behind_proxy(app_config):
    app_config["PROXY_COUNT"] = 1


def test_hsts_behind_a_proxy_that_terminates_https(behind_proxy, client):
    resp = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in resp.headers
