"""Administrators: staff accounts and the audit log."""

from ..staff import staff_blueprint

bp = staff_blueprint("admin", __name__, "/admin")

from . import routes  # noqa: E402,F401
