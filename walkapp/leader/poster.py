"""The join code as a printable A4 poster and a full-screen projector view, both with a QR code."""

from __future__ import annotations

import segno
from flask import current_app, render_template, request, url_for
from markupsafe import Markup

from ..models import Walk
from ..staff import led_walk
from . import bp


def join_url(walk: Walk) -> str:
    """The absolute QR link of a walk (PUBLIC_URL when set, else this server's address)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("pages.join", join_code=walk.join_code)


def qr_svg(url: str) -> Markup:
    """The QR code of a link as inline SVG (built by segno from our own URL, so safe to embed)."""
    qr = segno.make(url, error="m")
    return Markup(qr.svg_inline(scale=10, border=2, dark="#000", light="#fff", omitsize=True,
                                title=None, desc=None, svgclass="qr", lineclass=None))


@bp.get("/walks/<id:walk_id>/poster")
def poster(walk_id: int):
    """An A4 poster to print: QR code, the code in large type, and how to join."""
    walk = led_walk(walk_id)
    url = join_url(walk)
    return render_template("leader/poster.html", walk=walk, url=url, qr=qr_svg(url))


@bp.get("/walks/<id:walk_id>/projector")
def projector(walk_id: int):
    """The QR code and code full screen, for a projector or a big screen."""
    walk = led_walk(walk_id)
    url = join_url(walk)
    return render_template("leader/projector.html", walk=walk, url=url, qr=qr_svg(url))
