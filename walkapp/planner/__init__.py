"""Municipal planners: the findings map, the action list with follow-up, exports, the feedback page."""

from ..staff import staff_blueprint

bp = staff_blueprint("planner", __name__, "/planner")

from . import routes  # noqa: E402,F401
