"""Security headers on every response: a Content-Security-Policy with a per-request nonce, HSTS on
HTTPS, and a Permissions-Policy that gives location and camera to our own pages only.

Scripts run only from our own origin or with this request's nonce (the planners' folium maps are the
one inline script): no 'unsafe-inline' and no 'unsafe-eval'. Map tiles are the one other origin a page
may load (TILE_URL), until tiles come through our own server.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request

PERMISSIONS = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"


def nonce() -> str:
    """This request's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def tile_origin(tile_url: str) -> str | None:
    """The origin of the tile server, or None when tiles come from our own."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def policy(script_nonce: str, tiles: str | None) -> str:
    """The Content-Security-Policy for one response."""
    extra = f" {tiles}" if tiles else ""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{script_nonce}'",
        "style-src": "'self' 'unsafe-inline'",  # Leaflet and folium position elements with style attributes
        "img-src": f"'self' data: blob:{extra}",
        "connect-src": f"'self'{extra}",
        "font-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def register(app: Flask) -> None:
    """Add the headers to every response, and csp_nonce() to every template."""
    tiles = tile_origin(app.config["TILE_URL"])

    @app.context_processor
    def _nonce():
        return {"csp_nonce": nonce}

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = policy(nonce(), tiles)
        response.headers["Permissions-Policy"] = PERMISSIONS
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.is_secure:  # behind a proxy, PROXY_COUNT makes this see the original scheme
            response.headers["Strict-Transport-Security"] = HSTS
        return response
