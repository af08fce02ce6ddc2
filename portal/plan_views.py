"""Browsing the plan: home, one dimension, one goal."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.feedback import CommentForm, ObservationForm, RatingForm, ResponseForm
from models.accounts import utcnow
from models.cache import REPORTS
from portal.page_cache import cached
from portal.permissions import can
from portal.services import feedback, notifications
from portal.services.plan import goal_by_code, plan_tree
from portal.services.progress import GoalProgress, PlanProgress
from portal.translation import lazy_gettext as _l

bp = Blueprint("plan", __name__)


def following(kind, target):
    """Whether the reader follows the target; a visitor's cached page asks nothing."""
    return current_user.is_authenticated and notifications.follows(current_user, kind,
                                                                    target.id)


def published_plan():
    plan = plan_tree()
    if plan is None:
        abort(503, description=_l("The government plan has not been loaded yet."))
    return plan


@bp.get("/")
@cached(REPORTS)
def home():
    plan = published_plan()
    return render_template("plan/home.html", plan=plan, progress=PlanProgress(plan))


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


def goal_or_404(code):
    found = goal_by_code(code.upper())
    if found is None:
        abort(404, description=_l(
            "There is no goal with the code %(code)s. Goal codes look like S7.6.", code=code))
    return found


@bp.get("/metas/<code>")
@cached(REPORTS, goal=True)
def goal(code):
    found = goal_or_404(code)
    if code != found.code:
        return redirect(url_for("plan.goal", code=found.code), 301)
    return render_goal(found)


def render_goal(goal, status=200, **forms):
    """The goal page: the commitment, the official record and the citizen thread.

    Views that handle the thread's forms call it to show their errors in place.
    """
    plan = goal.objective.problem.dimension.plan
    latest = goal.reports[0] if goal.reports else None
    order = request.args.get("orden")
    order = order if order in feedback.THREAD_ORDERS else feedback.THREAD_ORDERS[0]
    page = request.args.get("pagina", 1, type=int)
    # A form is built only for who sees it: building one starts a CSRF token in the
    # session, and a page with a session of its own cannot come from the shared cache.
    observation_form = None
    if can("observe_goal", goal):
        observation_form = forms.pop("observation_form", None) or ObservationForm()
        observation_form.committee.choices = [
            SelectChoice(c.code, c.name) for c in current_user.committees
            if goal.objective in c.objectives]
    ratings, my_rating = feedback.rating_summary(goal.id, current_user)
    figures = feedback.goal_figures(goal, current_user)
    return render_template(
        "plan/goal.html", goal=goal, objective=goal.objective, problem=goal.objective.problem,
        dimension=goal.objective.problem.dimension, plan=plan,
        progress=GoalProgress(latest, figures.latest_quarter),
        committees=goal.objective.committees,
        ratings=ratings, my_rating=my_rating,
        comment_count=figures.comments, following=figures.following,
        observations=feedback.observations_of(goal.id),
        thread=feedback.thread(goal, page, order, current_app.config["COMMENTS_PER_PAGE"],
                               figures.conversations),
        order=order,
        comment_form=(forms.pop("comment_form", None) or CommentForm())
        if can("comment") else None,
        rating_form=(forms.pop("rating_form", None) or RatingForm()) if can("rate") else None,
        observation_form=observation_form,
        response_form=(forms.pop("response_form", None) or ResponseForm())
        if can("respond_observation") else None,
        answering=forms.pop("answering", None),
        now=utcnow(),
    ), status
