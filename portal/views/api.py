"""Open data: the plan as JSON, versioned and described by OpenAPI."""
from flask import Blueprint, abort, current_app, jsonify, render_template

from models.base import aware
from models.cache import CHECKS, OBSERVATIONS, REPORTS
from portal import terms
from portal.importers.plan_json import plan_document
from portal.views.lookups import published_plan
from portal.views.openapi import openapi_document
from portal.page_cache import cached
from portal.services import checks, feedback, observations, ratings
from portal.services.answers import answer_rows
from portal.services.plan import goal_by_code
from portal.terms import goal_url
from portal.translation import lazy_gettext as _l

bp = Blueprint("api", __name__)


def revision_document(revision):
    return {
        "revision": revision.number,
        "status": revision.status,
        "progress_pct": float(revision.progress_pct),
        "delivered": revision.delivered,
        "narrative": revision.narrative,
        "sources": revision.source_list,
        "cause": revision.cause,
        "pim": None if revision.pim is None else str(revision.pim),
        "devengado": None if revision.devengado is None else str(revision.devengado),
        "cui": revision.cui,
        "reason": revision.reason,
        "published_at": aware(revision.created_at).isoformat(),
    }


def report_document(report):
    """The report as it stands, with every revision (oldest first) behind it."""
    return {"quarter": report.quarter, **revision_document(report.current),
            "corrected": report.corrected,
            "revisions": [revision_document(r) for r in report.revisions]}


def goal_document(goal, with_reports=False):
    objective = goal.objective
    problem = objective.problem
    dimension = problem.dimension
    plan = dimension.plan
    document = {
        "plan": {"term": plan.term, "archived": plan.archived_at is not None,
                 "demonstration": plan.demonstration},
        "code": goal.code,
        "text": goal.text,
        "target": goal.target,
        "kind": goal.kind,
        "indicator": goal.indicator,
        "dimension": {"code": dimension.code, "name": dimension.name},
        "problem": {"text": problem.text},
        "objective": {"code": objective.code, "text": objective.text},
        "url": goal_url(goal, _external=True),
    }
    if with_reports:
        latest = goal.reports[0].current if goal.reports else None
        document["latest"] = latest and {
            "quarter": goal.reports[0].quarter, "status": latest.status,
            "progress_pct": float(latest.progress_pct), "delivered": latest.delivered}
        document["reports"] = [report_document(r) for r in goal.reports]
    return document


@bp.get("/api/v1/plan")
@cached()
def plan():
    found = published_plan()
    return jsonify(plan_document(found) | {
        "term": found.term, "archived": found.archived_at is not None})


def observation_document(observation):
    response = observation.response
    return {
        "id": observation.id,
        "committee": {"code": observation.committee.code, "name": observation.committee.name},
        "kind": observation.kind,
        "body": observation.body,
        "evidence_url": observation.evidence_url,
        "published_at": aware(observation.created_at).isoformat(),
        "response": response and {"body": response.body,
                                   "published_at": aware(response.created_at).isoformat()},
    }


@bp.get("/api/v1/goals/<code>")
@cached(REPORTS, goal=True)
def goal(code):
    found = goal_by_code(code, context=terms.context())
    if found is None:
        abort(404, description=_l("There is no goal with the code %(code)s.", code=code))
    document = goal_document(found, with_reports=True)
    document["ratings"] = ratings.rating_summary(found.id)
    document["comment_count"] = feedback.visible_comment_count(found.id)
    document["observations"] = [observation_document(o)
                                for o in observations.observations_of(found.id)]
    claim = checks.claim_of(found)
    document["checks"] = claim and {
        "quarter": claim.report.quarter, "revision": claim.number,
        **(tally := checks.tallies([claim.id])[claim.id]).as_dict(),
        "disputed": tally.disputed}
    return jsonify(document)


@bp.get("/api/v1/goals/<code>/checks")
@cached(CHECKS, goal=True)
def goal_checks(code):
    """What residents who checked the goal's reported deliveries wrote, placed or
    photographed, newest first; hidden checks are left out."""
    found = goal_by_code(code, full=False, context=terms.context())
    if found is None:
        abort(404, description=_l("There is no goal with the code %(code)s.", code=code))
    return jsonify({"goal_code": found.code,
                    "checks": [checks.check_record(check)
                               for check in checks.checks_of_goal(found)]})


@bp.get("/api/v1/answers")
@cached(OBSERVATIONS)
def answers():
    return jsonify({"answer_days": current_app.config["OBSERVATION_ANSWER_DAYS"],
                    "rows": list(answer_rows(published_plan()))})


@bp.get("/api/v1/openapi.json")
@cached()
def openapi():
    return jsonify(openapi_document())


@bp.get("/api")
@cached()
def docs():
    example = goal_by_code("S7.6") or goal_by_code("S1.1")
    return render_template("api/docs.html", example=goal_document(example) if example else None)
