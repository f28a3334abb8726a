"""One error shape for the API, friendly pages for people, a rollback on every server error."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .extensions import db


class ApiError(Exception):
    """A client error with a code for programs and a Swedish message a person can act on."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}

    def response(self):
        body = {"error": self.code, "message": self.message, "field": self.field}
        return jsonify(body), self.status, self.headers


def checked(parse, *args):
    """Run a pin_input parser; a bad field becomes the API's error shape, its message translated."""
    from flask_babel import gettext

    from .pin_input import InputError

    try:
        return parse(*args)
    except InputError as err:
        raise ApiError(err.status, err.code, gettext(err.message, **err.params), err.field) from None


def _generic_messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("Begäran kunde inte läsas. Försök igen.")),
        401: ("unauthorized", _("Du behöver gå med i vandringen igen.")),
        403: ("forbidden", _("Det här får du inte göra.")),
        404: ("not_found", _("Det finns inget här. Kontrollera adressen.")),
        405: ("method_not_allowed", _("Den metoden går inte att använda här.")),
        413: ("too_large", _("Det du skickade är för stort. En bild får vara högst 25 MB.")),
        429: ("rate_limited", _("För många försök på kort tid. Vänta en stund och försök igen.")),
    }


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(ApiError)
    def api_error(err: ApiError):
        db.session.rollback()
        return err.response()

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code and err.code >= 500:
            db.session.rollback()
        if _is_api_request():
            code, message = _generic_messages().get(err.code, ("error", _("Något gick fel. Försök igen.")))
            resp = jsonify({"error": code, "message": message, "field": None})
            resp.status_code = err.code or 500
            headers = dict(err.get_headers())
            for key in ("Retry-After", "Allow"):
                if key in headers:
                    resp.headers[key] = headers[key]
            return resp
        template = "errors/%d.html" % err.code if err.code in (403, 404, 429) else "errors/generic.html"
        return render_template(template, error=err), err.code

    @app.errorhandler(Exception)
    def server_error(err: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if _is_api_request():
            body = {"error": "server_error", "message": _("Något gick fel hos oss. Försök igen om en stund."), "field": None}
            return jsonify(body), 500
        return render_template("errors/500.html"), 500
