"""What people read for each machine name; defined once, used by pages and tests."""
from flask_babel import lazy_gettext as _l

from models.plan import GOAL_KINDS

GOAL_KIND_LABELS = {
    "programa": _l("Programme"),
    "proyecto": _l("Project"),
    "plan": _l("Plan"),
    "otro": _l("Other commitment"),
}
assert set(GOAL_KIND_LABELS) == set(GOAL_KINDS), "every kind of goal needs a label"

LABELS = {"goal_kind": GOAL_KIND_LABELS}
