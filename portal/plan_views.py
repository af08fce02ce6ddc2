"""Browsing the plan: home, one dimension, one goal."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from portal.services.committees import committees_watching
from portal.services.plan import goal_by_code, plan_tree
from portal.services.progress import GoalProgress, PlanProgress
from portal.services.reports import latest_quarter

bp = Blueprint("plan", __name__)


def published_plan():
    plan = plan_tree()
    if plan is None:
        abort(503, description=_l("The government plan has not been loaded yet."))
    return plan


@bp.get("/")
def home():
    plan = published_plan()
    return render_template("plan/home.html", plan=plan, progress=PlanProgress(plan))


@bp.get("/dimensiones/<code>")
def dimension(code):
    plan = published_plan()
    found = next((d for d in plan.dimensions if d.code == code.upper()), None)
    if found is None:
        abort(404, description=_l("There is no dimension with the code %(code)s.", code=code))
    if code != found.code:
        return redirect(url_for("plan.dimension", code=found.code), 301)
    return render_template("plan/dimension.html", plan=plan, dimension=found,
                           progress=PlanProgress(plan))


@bp.get("/metas/<code>")
def goal(code):
    found = goal_by_code(code.upper())
    if found is None:
        abort(404, description=_l(
            "There is no goal with the code %(code)s. Goal codes look like S7.6.", code=code))
    if code != found.code:
        return redirect(url_for("plan.goal", code=found.code), 301)
    plan = found.objective.problem.dimension.plan
    latest = found.reports[0] if found.reports else None
    return render_template("plan/goal.html", goal=found, objective=found.objective,
                           problem=found.objective.problem,
                           dimension=found.objective.problem.dimension, plan=plan,
                           progress=GoalProgress(latest, latest_quarter(plan)),
                           committees=committees_watching(found))
