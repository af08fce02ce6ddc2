"""What a request is about, found from its address, or the answer that it is not there: the
lookups the blueprints share. Each blueprint keeps the lookups only it needs."""
from flask import abort
from flask_login import current_user

from portal import terms
from portal.services import notifications
from portal.services.plan import current_plan, goal_by_code, plan_tree
from portal.translation import lazy_gettext as _l


def published_plan(tree=True):
    """The current plan, with everything below it unless ``tree`` is false."""
    plan = plan_tree(terms.context()) if tree else current_plan(terms.context())
    if plan is None:
        abort(503, description=_l("The government plan has not been loaded yet."))
    return plan


def goal_or_404(code, full=True):
    found = goal_by_code(code.upper(), full, terms.context())
    if found is None:
        abort(404, description=_l(
            "There is no goal with the code %(code)s. Goal codes look like S7.6.", code=code))
    return found


def following(kind, target):
    """Whether the reader follows the target; a visitor's cached page asks nothing."""
    return current_user.is_authenticated and notifications.follows(current_user, kind,
                                                                    target.id)
