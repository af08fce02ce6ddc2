"""Browsing the plan: home, one dimension, one goal."""
from flask import Blueprint, abort, redirect, render_template, url_for

from models.cache import HEARINGS, PLAN, REPORTS
from portal import terms
from portal.views.goal_page import GoalPage, ReadersMarks, SharedParts
from portal.views.lookups import following, goal_or_404, published_plan
from portal.page_cache import Fragments, cached
from portal.views.pages import lazy
from portal.services import hearings
from portal.services.places import all_places
from portal.services.plan import all_plans, plan_tree
from portal.services.progress import PlanProgress
from portal.translation import lazy_gettext as _l

bp = Blueprint("plan", __name__)


@bp.get("/")
@cached(REPORTS, HEARINGS, readers=True)  # nothing of its reader's own but the header
def home():
    plans = all_plans(terms.context())  # the latest term first
    if not plans:
        abort(503, description=_l("The government plan has not been loaded yet."))
    if not terms.context().term_in_address:
        terms.enter(plans[0])  # the latest term, its links carrying its term
    context = terms.context()
    # Alike for every reader: kept whole, for those signed in too (only the header differs).
    fragment, hearing_fragment = f"home:{context.plan_id}", f"home-hearing:{context.plan_id}"
    fragments = Fragments({fragment: (PLAN, REPORTS), hearing_fragment: (PLAN, HEARINGS)})
    plan = (plan_tree(context) if fragments.missing(fragment)
            else next(plan for plan in plans if plan.id == context.plan_id))
    return render_template("plan/home.html", plan=plan, fragments=fragments,
                           fragment=fragment, hearing_fragment=hearing_fragment, terms=plans,
                           places=lazy(lambda: all_places(context=context)), progress=lazy(lambda: PlanProgress(plan)),
                           coming_hearing=lazy(lambda: hearings.next_hearing(plan)))


@bp.get("/acerca")
def about():
    """What the portal is and who does what: static, it reads no data."""
    return render_template("plan/about.html")


@bp.get("/dimensiones/<code>")
@cached(REPORTS)
def dimension(code):
    plan = published_plan()
    found = next((d for d in plan.dimensions if d.code == code.upper()), None)
    if found is None:
        abort(404, description=_l("There is no dimension with the code %(code)s.", code=code))
    if code != found.code:
        return redirect(url_for("plan.dimension", code=found.code), 301)
    return render_template("plan/dimension.html", plan=plan, dimension=found,
                           progress=PlanProgress(plan), following=following("dimension", found))


@bp.get("/objetivos/<code>")
@cached(REPORTS)
def objective(code):
    plan = published_plan()
    found = next((o for d in plan.dimensions for o in d.objectives if o.code == code.upper()),
                 None)
    if found is None:
        abort(404, description=_l("There is no objective with the code %(code)s.", code=code))
    if code != found.code:
        return redirect(url_for("plan.objective", code=found.code), 301)
    return render_template("plan/objective.html", plan=plan, objective=found,
                           dimension=found.problem.dimension, progress=PlanProgress(plan),
                           following=following("objective", found))


@bp.get("/metas/<code>")
@cached(REPORTS, HEARINGS, goal=True, readers=ReadersMarks.read)
def goal(code, reader=None):
    shared = SharedParts(code.upper())
    found = goal_or_404(code, full=shared.missing("now", "record", "facts", "siblings"))
    if code != found.code:
        return redirect(url_for("plan.goal", code=found.code), 301)
    return GoalPage(found, shared, marks=reader).render()
