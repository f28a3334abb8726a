"""Security headers on every response: a Content-Security-Policy with a per-request nonce, HSTS on
HTTPS, and a Permissions-Policy that gives location and camera to our own pages only.

Scripts run only from our own origin or with this request's nonce (the planners' folium maps are the
one inline script): no 'unsafe-inline' and no 'unsafe-eval'. Nothing comes from another origin: map
tiles too come through our own server (walkapp/tiles.py).
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request

PERMISSIONS = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"


def nonce() -> str:
    """This request's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def policy(script_nonce: str) -> str:
    """The Content-Security-Policy for one response."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{script_nonce}'",
        "style-src": "'self' 'unsafe-inline'",  # Leaflet and folium position elements with style attributes
        "img-src": "'self' data: blob:",  # data: the new pin's icon; blob: a photo's preview
        "connect-src": "'self'",
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
    @app.context_processor
    def _nonce():
        return {"csp_nonce": nonce}

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = policy(nonce())
        response.headers["Permissions-Policy"] = PERMISSIONS
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.is_secure:  # behind a proxy, PROXY_COUNT makes this see the original scheme
            response.headers["Strict-Transport-Security"] = HSTS
        return response
