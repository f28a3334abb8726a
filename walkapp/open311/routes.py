"""The GeoReport v2 endpoints: discovery, services, a service definition, requests, one request.

Public and read-only: no login, no cookies needed, CORS open, POST refused with 403.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, request, url_for
from flask_babel import gettext as _

from .. import vocab
from ..urls import parse_id
from . import bp, formats, georeport, records

FORMATS = ("xml", "json")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _respond(fmt: str, root: str, body, status: int = 200):
    text, mimetype = formats.render(fmt, root, body)
    response = current_app.response_class(text, status=status, content_type=mimetype)
    return response


def _error(fmt: str, status: int, description: str):
    """The spec's error body, in the asked format (XML when the format is unknown)."""
    body = formats.Many("errors", "error", [{"code": status, "description": description}])
    return _respond(fmt if fmt in FORMATS else "xml", "errors", body, status)


def _base_url() -> str:
    public = current_app.config.get("PUBLIC_URL")
    path = url_for("open311.discovery", fmt="xml").rsplit("/", 1)[0]
    return (public.rstrip("/") + path) if public else request.host_url.rstrip("/") + path


def _photo_url(pin_id: int) -> str:
    public = current_app.config.get("PUBLIC_URL")
    path = url_for("media.photo", pin_id=pin_id, size="full")
    return (public.rstrip("/") + path) if public else request.host_url.rstrip("/") + path


def _requests(ids: list[int] | None = None) -> list[georeport.ServiceRequest]:
    labels = {k: _(v) for k, v in vocab.LOCATION_STATUSES.items()}
    return records.service_requests(_photo_url, labels, ids)


@bp.after_request
def open_to_all(response):
    """Any site may read this public data (as FixMyStreet allows)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/discovery.<fmt>")
def discovery(fmt: str):
    """Where the endpoint is, what it speaks and whom to ask."""
    if fmt not in FORMATS:
        return _error(fmt, 404, _("Okänt format: använd .xml eller .json."))
    changeset = records.changeset(records.public_walks())
    body = {
        "changeset": changeset,
        "contact": current_app.config.get("CONTACT_EMAIL") or "",
        "key_service": _("Ingen nyckel behövs: gränssnittet går bara att läsa."),
        "endpoints": formats.Many("endpoints", "endpoint", [{
            "specification": SPECIFICATION,
            "url": _base_url(),
            "changeset": changeset,
            "type": "production",
            "formats": formats.Many("formats", "format", ["text/xml", "application/json"]),
        }]),
    }
    return _respond(fmt, "discovery", body)


@bp.get("/services.<fmt>")
def services(fmt: str):
    """One service per category of the safety walks."""
    if fmt not in FORMATS:
        return _error(fmt, 404, _("Okänt format: använd .xml eller .json."))
    return _respond(fmt, "services", formats.Many("services", "service", records.services(records.public_walks())))


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    """A service's definition: ours need no extra attributes."""
    if fmt not in FORMATS:
        return _error(fmt, 404, _("Okänt format: använd .xml eller .json."))
    codes = {s["service_code"] for s in records.services(records.public_walks())}
    if code not in codes:
        return _error(fmt, 404, _("Tjänsten %(code)s finns inte.", code=code))
    return _respond(fmt, "service_definition",
                    {"service_code": code, "attributes": formats.Many("attributes", "attribute", [])})


@bp.get("/requests.<fmt>")
def service_requests(fmt: str):
    """Published locations as service requests, filtered as the spec describes, newest first."""
    if fmt not in FORMATS:
        return _error(fmt, 404, _("Okänt format: använd .xml eller .json."))
    try:
        query = georeport.Query.parse(request.args, dt.datetime.now(dt.UTC))
    except georeport.BadRequest as err:
        return _error(fmt, 400, _(err.message, **err.params))
    chosen = query.select(_requests(query.ids))
    return _respond(fmt, "service_requests", formats.Many("service_requests", "request", [r.body() for r in chosen]))


@bp.get("/requests/<request_id>.<fmt>")
def service_request(request_id: str, fmt: str):
    """One published location as a one-entry list."""
    if fmt not in FORMATS:
        return _error(fmt, 404, _("Okänt format: använd .xml eller .json."))
    number = parse_id(request_id)
    found = _requests([number]) if number is not None else []
    if not found:
        return _error(fmt, 404, _("Ärendet %(id)s finns inte eller är inte publicerat.", id=request_id))
    return _respond(fmt, "service_requests", formats.Many("service_requests", "request", [found[0].body()]))


@bp.post("/requests.<fmt>")
def create_request(fmt: str):
    """Reports come from the safety walks, not through this interface: refused, nothing changes."""
    return _error(fmt, 403, _("Gränssnittet går bara att läsa: ärenden kan inte skapas här."))


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str):
    """Anything else under the base: the spec's 404 error body."""
    return _error("json" if rest.endswith(".json") else "xml", 404, _("Det finns ingen resurs %(path)s.", path=rest))
