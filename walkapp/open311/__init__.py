"""Open311 GeoReport v2, read-only: published locations as service requests for city systems."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
# No cookies, no session, nothing to change: a POST only earns the spec's 403, so no CSRF token applies.
csrf.exempt(bp)

from . import routes  # noqa: E402,F401  (routes register on bp)
