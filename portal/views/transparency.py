"""The plan at a glance: the promise gap, the hearing snapshot, open data, feeds, search."""
import json

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   url_for)

from models.base import utcnow
from models.cache import CHECKS, COMMENTS, OBSERVATIONS, RATINGS, REPORTS
from portal import terms
from portal.views.feeds import atom_feed
from portal.views.lookups import goal_or_404, published_plan
from portal.opendata import DATASETS
from portal.page_cache import cached
from portal.quarters import plan_quarters
from portal.services.answers import answer_figures
from portal.services.checks import disputed_claims
from portal.services.ratings import rating_summaries
from portal.services.places import all_places, place_by_slug
from portal.services.plan import search_goals
from portal.services.progress import PlanProgress
from portal.services.transparency import pending_observations_of, promise_gap, silent_goals
from portal.translation import lazy_gettext as _l

bp = Blueprint("transparency", __name__)
ATOM = "application/atom+xml; charset=utf-8"


@bp.get("/brecha")
@cached(REPORTS, RATINGS, CHECKS)
def gap():
    plan = published_plan()
    gaps, progress = promise_gap(plan)
    return render_template("transparency/gap.html", plan=plan, gaps=gaps, progress=progress,
                           silent=silent_goals(plan, progress),
                           disputed=disputed_claims(plan))


@bp.get("/audiencia")
@cached(REPORTS)
def latest_snapshot():
    plan = published_plan()
    quarter = PlanProgress(plan).latest_quarter or plan_quarters(plan)[-1]
    return redirect(url_for("transparency.snapshot", quarter=quarter))


@bp.get("/audiencia/<quarter>")
@cached(REPORTS, RATINGS, OBSERVATIONS)
def snapshot(quarter):
    plan = published_plan()
    if quarter not in plan_quarters(plan):
        abort(404, description=_l("%(quarter)s is not a quarter of the plan's period.",
                                  quarter=quarter))
    return render_template(
        "transparency/snapshot.html", plan=plan, quarter=quarter,
        quarters=plan_quarters(plan), progress=PlanProgress(plan, until=quarter),
        ratings=rating_summaries([g.id for g in plan.goals]),
        pending=pending_observations_of(plan), now=utcnow())


@bp.get("/respuestas")
@cached(OBSERVATIONS)
def answers():
    """How fast the municipality answers the committees; "overdue now" may lag the clock by
    PAGE_CACHE_SECONDS at most."""
    plan = published_plan()
    return render_template("transparency/answers.html", figures=answer_figures(plan),
                           days=current_app.config["OBSERVATION_ANSWER_DAYS"], now=utcnow())


@bp.get("/datos")
@cached()
def open_data():
    return render_template("transparency/data.html", datasets=DATASETS.values())


@bp.get("/datos/<name>.<extension>")
@cached(REPORTS, RATINGS, COMMENTS, OBSERVATIONS, CHECKS)
def download(name, extension):
    dataset = DATASETS.get(name)
    if dataset is None or extension not in ("csv", "json"):
        abort(404, description=_l("There is no such dataset."))
    plan = published_plan()
    filename = f"{name}.{extension}"
    codes = None
    if request.args.get("lugar"):  # the rows of the goals that concern one place
        place = place_by_slug(request.args["lugar"], terms.context())
        if place is None:
            abort(404, description=_l("There is no such place."))
        codes = {goal.code for goal in place.goals}
    if extension == "csv":
        body, mimetype = dataset.as_csv(plan, codes), "text/csv"
    else:
        body = json.dumps(dataset.as_json(plan, codes), ensure_ascii=False, indent=1)
        mimetype = "application/json"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"inline; filename={filename}"})


@bp.get("/feed.atom")
@cached(REPORTS, OBSERVATIONS, CHECKS)
def plan_feed():
    return Response(atom_feed(published_plan()), content_type=ATOM)


@bp.get("/metas/<code>/feed.atom")
@cached(goal=True)
def goal_feed(code):
    goal = goal_or_404(code)
    return Response(atom_feed(goal.objective.dimension.plan, goal), content_type=ATOM)


@bp.get("/buscar")
@cached()
def search():
    query = request.args.get("q", "")[:200].strip()
    place = place_by_slug(request.args.get("lugar", ""), terms.context())
    results = search_goals(query, terms.context()) if query else (place.goals if place else [])
    if place is not None:
        results = [goal for goal in results if place in goal.places]
    return render_template("transparency/search.html", query=query, results=results,
                           place=place, places=all_places(context=terms.context()),
                           searched=bool(query or place))
