"""Participant pages: enter a code, the QR target with the phone map, the service worker, the language switch."""

from __future__ import annotations

import functools
import hashlib
import json
import os

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import assets, tiles
from ..extensions import LANG_COOKIE
from ..models import Walk
from ..urls import local_path
from ..extensions import limiter
from ..walks import find_walk_by_code, is_retired_code, normalise_code
from .api import walk_json

bp = Blueprint("pages", __name__)

# The phone app's files under static/: what the walk page loads and the service worker keeps offline.
# The modules are listed so the page can preload them and the worker can cache them in one go.
APP_MODULES = (
    "js/participant/app.js",
    "js/participant/api.js",
    "js/i18n.js",
    "js/participant/map.js",
    "js/participant/form.js",
    "js/participant/mine.js",
    "js/participant/photo.js",
    "js/participant/light.js",
    "js/participant/sheet.js",
    "js/participant/outbox.js",
)
SHELL_FILES = (
    "css/phone.css",
    "vendor/leaflet-phone/leaflet-phone.css",
    "vendor/leaflet-phone/leaflet-phone.js",
    "js/participant/queue.js",
    "js/participant/joined.js",
    *APP_MODULES,
    "js/participant/agree.js",  # loaded when first needed, kept for offline use all the same
    "manifest.webmanifest",
    "icons/favicon.svg",
)
SERVICE_WORKER = "js/participant/sw.js"


def _code_missed(response) -> bool:
    return response.status_code == 404


def _misses_limit() -> str:
    return current_app.config["CODE_MISSES_PER_ADDRESS"]


@bp.get("/")
@limiter.limit(_misses_limit, deduct_when=_code_missed)
def index():
    """Let a participant type the walk's code, and send them to the walk when it exists."""
    if "code" not in request.args:
        return render_template("participant/index.html", error=None, code="")
    code = normalise_code(request.args["code"])
    walk = find_walk_by_code(code)
    if walk is not None:
        return redirect(url_for("pages.join", join_code=walk.join_code))
    return code_not_found(code)


@bp.get("/j/<join_code>")
@limiter.limit(_misses_limit, deduct_when=_code_missed)
def join(join_code: str):
    """The QR target: before the walk a notice, during it the intro and the map, afterwards the ending."""
    walk = find_walk_by_code(join_code)
    if walk is None and is_retired_code(join_code):
        # The leader gave the walk a new code. A phone that joined with this one finds its way on
        # (static/js/participant/code-changed.js asks the API with its token); nobody else learns the new code.
        return render_template("participant/code_changed.html", code=normalise_code(join_code)), 410
    if walk is None:
        return code_not_found(normalise_code(join_code))
    if walk.join_code != join_code:
        return redirect(url_for("pages.join", join_code=walk.join_code))
    if walk.status == "draft":
        return render_template("participant/not_started.html", walk=walk)
    if walk.status == "closed":
        return closed_walk(walk)
    return walk_app(walk)


def walk_app(walk: Walk):
    """The intro and the map for an open walk; the same HTML for everyone, so the phone can keep it offline."""
    page = {
        "walk": walk_json(walk),
        "urls": {
            "join": url_for("api.join", join_code=walk.join_code),
            "pins": url_for("api.list_pins", join_code=walk.join_code),
            # A pin's own address is this prefix followed by its id.
            "pin": url_for("api.update_pin", pin_id=0)[:-1],
            # An agreement's address ("Jag håller med"), the same way.
            "agreement": url_for("api.take_back", agreement_id=0)[:-1],
            "sw": url_for("pages.service_worker"),
            "leafletJs": url_for("static", filename="vendor/leaflet-phone/leaflet-phone.js"),
            "leafletCss": url_for("static", filename="vendor/leaflet-phone/leaflet-phone.css"),
        },
        # From our own server, and only where it serves them to anyone: around the walk's area.
        "tiles": {"url": tiles.url_template(), "attribution": current_app.config["TILE_ATTRIBUTION"],
                  "bounds": tiles.walk_bounds(walk.area_geojson), "minZoom": tiles.PUBLIC_ZOOMS.start},
    }
    offline = tiles.offline_plan(walk.area_geojson)
    # The area's tiles the service worker keeps once someone has joined (sw.js), or None.
    page["offline"] = offline.json() if offline else None
    # help_sheet: the help (112, BRIS) is a sheet in this page, which the top bar's link opens.
    html = render_template("participant/walk.html", walk=walk, page=page, modules=APP_MODULES, help_sheet=True)
    response = current_app.make_response(html)
    # Always ask the server first; the service worker answers from its copy only when offline.
    response.headers["Cache-Control"] = "no-cache"
    return response


def closed_walk(walk: Walk):
    """After the walk: what was found and what is being done, once published; until then a thank-you."""
    if walk.feedback_published_at is not None:
        from ..feedback_page import render_feedback

        return render_feedback(walk)
    return render_template("participant/closed.html", walk=walk)


def code_not_found(code: str):
    """The code page again, saying that no walk has this code."""
    error = _("Det finns ingen vandring med koden %(code)s. Kontrollera koden och försök igen.", code=code or "…")
    return render_template("participant/index.html", error=error, code=code), 404


@bp.get("/sw.js")
def service_worker():
    """The service worker that keeps the walk page and its files on the phone, and sends pins that waited."""
    static = current_app.static_folder
    with open(assets.built_file(current_app, SERVICE_WORKER), encoding="utf-8") as f:
        source = f.read()
    shell = [url_for("static", filename=name) for name in SHELL_FILES]
    settings = {
        "version": _shell_version(static),
        "assets": shell,
        "queue": url_for("static", filename="js/participant/queue.js"),
        "tiles": tiles.url_template(),
    }
    # The settings are part of the script, so any change to the app's files changes the worker's
    # bytes and the phone installs the new version on its next visit.
    body = "self.WALKAPP = %s;\n%s" % (json.dumps(settings, separators=(",", ":")), source)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _shell_version(static: str) -> str:
    """A short hash of the app's files: a new one when any of them changes."""
    stamps = []
    for name in (*SHELL_FILES, SERVICE_WORKER):
        stat = os.stat(os.path.join(static, name))
        stamps.append((name, stat.st_size, stat.st_mtime_ns))
    return _content_hash(static, tuple(stamps))


@functools.lru_cache(maxsize=4)
def _content_hash(static: str, stamps: tuple) -> str:
    # Hash contents, not dates, so every server behind a load balancer hands out the same worker;
    # the stamps only decide when to read the files again.
    digest = hashlib.sha256()
    for name, _size, _mtime in stamps:
        with open(os.path.join(static, name), "rb") as f:
            digest.update(name.encode() + b"\0" + f.read())
    return digest.hexdigest()[:16]


@bp.get("/lang/<lang>")
def set_language(lang: str):
    """Switch the interface language and go back."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next")) or "/")
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response
