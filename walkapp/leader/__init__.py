"""Walk leaders: plan walks, show the QR code, watch pins arrive, moderate, close and review."""

from ..staff import staff_blueprint

bp = staff_blueprint("leader", __name__, "/leader")

from . import live, moderation, poster, review, walks  # noqa: E402,F401  (routes register on bp)
