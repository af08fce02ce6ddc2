"""Browsing the plan: home, one dimension, one goal."""
from functools import cache

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.local import LocalProxy
from wtforms.fields.choices import SelectChoice

from forms.feedback import CommentForm, ObservationForm, RatingForm, ResponseForm
from models.base import utcnow
from models.cache import HEARINGS, PLAN, REPORTS, goal_scope, ratings_scope, thread_scope
from portal import terms
from portal.holes import kept_form
from portal.lookups import following, goal_or_404, published_plan
from portal.page_cache import Fragments, cached
from portal.permissions import can, can_on, committees_for
from portal.services import checks, feedback, hearings, observations, ratings
from portal.services.places import all_places
from portal.services.plan import all_plans, plan_tree
from portal.services.progress import GoalProgress, PlanProgress
from portal.translation import lazy_gettext as _l

bp = Blueprint("plan", __name__)


@bp.get("/")
@cached(REPORTS, HEARINGS, readers=lambda: "")  # nothing of its reader's own but the header
def home():
    plans = all_plans()  # the latest term first
    if not plans:
        abort(503, description=_l("The government plan has not been loaded yet."))
    terms.first_plan_id(plans)
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
                           places=lazy(all_places), progress=lazy(lambda: PlanProgress(plan)),
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


# The parts of a goal page every reader of a kind sees alike; what is the reader's own
# (their rating, the forms, following, what they may do with their own comments) is drawn
# around them on every request.
THREAD_KINDS = ("visitor", "signed-in", "moderator")


def goal_parts(code):
    """The names of the goal page's shared parts, for this request's reader and thread page
    (worked out once a request)."""
    known = g.setdefault("goal_parts", {})
    if code not in known:
        known[code] = _goal_parts(code)
    return dict(known[code])


def _goal_parts(code):
    order, page = thread_position()
    goal = f"goal:{terms.context().plan_id or 'first'}:{code}"  # first: no term in its address
    record = ("record-official" if can("publish_reports")
              else "record-admin" if can("withdraw_evidence") else "record")
    names = {part: f"{goal}:{part}" for part in ("now", "ratings", "compare", "facts",
                                                 "siblings", "count", "hearing")}
    names["record"] = f"{goal}:{record}"
    # An official answers observations in place: the forms are theirs.
    # An official answers observations in place, a committee adds evidence to its own:
    # theirs are drawn for them.
    names["observations"] = (None if can("respond_observation") or can("moderate")
                             else f"{goal}:observations")
    names |= {kind: f"{goal}:thread:{kind}:{order}:{page}" for kind in THREAD_KINDS}
    # What residents saw, with the links each kind of reader may follow.
    names |= {f"checks:{kind}": f"{goal}:checks:{kind}" for kind in THREAD_KINDS}
    # The forms, with placeholders where each reader's tokens go (``with_tokens``).
    names |= {f"comment_form:{rates}": f"{goal}:comment-form:{rates}" for rates in (0, 1)}
    names |= {f"rating_form:{stars}": f"{goal}:rating-form:{stars}" for stars in range(6)}
    return names


def lazy(load):
    """What a page shows only in its shared parts: read the first time it is used, if ever."""
    return LocalProxy(cache(load))


def thread_position():
    order = request.args.get("orden")
    order = order if order in feedback.THREAD_ORDERS else feedback.THREAD_ORDERS[0]
    return order, max(request.args.get("pagina", 1, type=int), 1)


def goal_fragments(code):
    """The goal page's parts, each under the versions of what it shows: the thread and its
    count under the thread's, the ratings and the chart comparing them with the official
    progress under the ratings' too, the forms under the plan's alone."""
    goal, thread = (PLAN, REPORTS, goal_scope(code)), (PLAN, thread_scope(code))

    def shows(part):
        if part in ("count", *THREAD_KINDS):
            return thread
        if part in ("ratings", "compare"):
            return (*goal, ratings_scope(code))
        if part == "hearing":
            return PLAN, HEARINGS
        return (PLAN,) if part.startswith(("comment_form:", "rating_form:")) else goal
    return Fragments({name: shows(part) for part, name in goal_parts(code).items() if name})


def readers_marks(code):
    """What of the goal page is its signed-in reader's own beyond their kind and its holes."""
    g.readers_marks = feedback.readers_marks(code.upper(), current_user, terms.context())
    following, stars = g.readers_marks
    return f"{int(following)}:{stars or 0}"


@bp.get("/metas/<code>")
@cached(REPORTS, HEARINGS, goal=True, readers=readers_marks)
def goal(code):
    parts = goal_parts(code.upper())
    fragments = goal_fragments(code.upper())
    found = goal_or_404(code, full=fragments.missing(*(
        parts[part] for part in ("now", "record", "facts", "siblings"))))
    if code != found.code:
        return redirect(url_for("plan.goal", code=found.code), 301)
    return render_goal(found, fragments=fragments)


def render_goal(goal, status=200, fragments=None, **forms):
    """The goal page: the commitment, the official record and the citizen thread.

    Its shared parts come from ``fragments`` when drawn already; their data is read only
    when they are drawn. Views that handle the thread's forms call it to show their errors
    in place.
    """
    plan = goal.objective.problem.dimension.plan
    archived = plan.archived_at is not None
    # A form sent to an archived plan's goal is not shown again: its refusal is.
    refusals = [message for form in forms.values() if hasattr(form, "errors")
                for messages in form.errors.values() for message in messages] \
        if archived else []
    can_here = can_on(goal)  # what the reader may do on this goal's page
    fragments = fragments or goal_fragments(goal.code)
    parts = goal_parts(goal.code)
    order, page = thread_position()
    # A form is built only for who sees it: building one starts a CSRF token in the
    # session, and a page with a session of its own cannot come from the shared cache.
    observation_form = None
    if can_here("observe_goal"):
        observation_form = forms.pop("observation_form", None) or ObservationForm()
        observation_form.committee.choices = [
            SelectChoice(c.code, c.name) for c in committees_for(current_user, goal)]
    thread_kind = ("moderator" if can("moderate_goal", goal)
                   else "signed-in" if can_here("comment") else "visitor")
    parts |= {"thread": parts[thread_kind], "checks": parts[f"checks:{thread_kind}"]}
    # What the ratings and the claim's tally count is read in the figures' one query, when
    # their parts are to be drawn.
    claim = goal.reports[0].current if goal.reports else None
    more = {}
    if fragments.missing(parts["ratings"]):
        more["stars"] = ratings.star_columns(goal.id)
    if claim is not None and checks.claims_delivery(claim) and fragments.missing(parts["now"]):
        more["tally"] = checks.tally_columns(claim.id)
    figures = feedback.goal_figures(goal, current_user, counts=fragments.missing(
        parts["now"], parts["count"], parts["thread"]), marks=g.get("readers_marks"),
        more=more)
    # A form sent back with its errors is drawn for its reader; otherwise it is kept.
    sent_comment, sent_rating = forms.pop("comment_form", None), forms.pop("rating_form", None)
    parts["comment_form"] = None if sent_comment else parts[
        f"comment_form:{int(can_here('rate'))}"]
    parts["rating_form"] = None if sent_rating else parts[
        f"rating_form:{figures.my_stars or 0}"]
    return render_template(
        "plan/goal.html", goal=goal, can=can_here, archived=archived, refusals=refusals,
        objective=goal.objective, problem=goal.objective.problem,
        dimension=goal.objective.problem.dimension, plan=plan,
        fragments=fragments, parts=parts,
        progress=lazy(lambda: GoalProgress(goal.reports[0] if goal.reports else None,
                                           figures.latest_quarter)),
        tally=lazy(lambda: checks.tally_of(figures.more["tally"]) if "tally" in figures.more
                   else checks.tallies([claim.id])[claim.id]),
        committees=lazy(lambda: goal.objective.committees),
        coming_hearing=lazy(lambda: hearings.next_hearing(plan)),
        ratings=lazy(lambda: ratings.summary_of(figures.more["stars"]) if "stars" in figures.more
                     else ratings.rating_summary(goal.id)), my_rating=figures.my_stars,
        comment_count=figures.comments, following=figures.following,
        observations=lazy(lambda: observations.observations_of(goal.id)),
        resident_checks=lazy(lambda: checks.checks_of_goal(goal, checks.CHECKS_SHOWN)
                             if checks.may_have_checks(goal) else []),
        checks_shown=checks.CHECKS_SHOWN,
        load_thread=lambda: feedback.thread(goal, page, order,
                                            current_app.config["COMMENTS_PER_PAGE"],
                                            figures.conversations),
        order=order,
        comment_form=lazy(lambda: sent_comment or kept_form(CommentForm))
        if can_here("comment") else None,
        rating_form=lazy(lambda: sent_rating or kept_form(RatingForm))
        if can_here("rate") else None,
        observation_form=observation_form,
        response_form=(forms.pop("response_form", None) or ResponseForm())
        if can_here("respond_observation") else None,
        answering=forms.pop("answering", None),
        now=utcnow(),
    ), status
