"""Municipal planners: the findings map, the action list with follow-up, exports, protocols and the
public feedback page."""

from ..staff import staff_blueprint

bp = staff_blueprint("planner", __name__, "/planner")

from . import actions, answers, concern, downloads, feedback, findings, parties, records, situation_page, walks  # noqa: E402,F401  (routes register on bp)
