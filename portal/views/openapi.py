"""The OpenAPI 3.1 description of the open data API; a test checks real answers against it."""
from flask import url_for

from models import CHECK_ANSWERS, GOAL_KINDS, OBSERVATION_KINDS, REPORT_STATUSES


def _object(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
    }


TEXT = {"type": "string", "minLength": 1}
TERM = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{4}$", "examples": ["2019-2022"],
        "description": "The term of the government plan; addresses of plans other than the "
                       "first published carry it: /periodos/2023-2026/api/v1/…"}
ARCHIVED = {"type": "boolean", "description": "true once the term has ended: the record is "
                                              "kept as it stood, nothing new is added."}
DEMONSTRATION = {"type": "boolean", "description": "true for a demonstration plan the JNE never "
                                                   "published, made up to show how the portal "
                                                   "works."}
GOAL_CODE = {"type": "string", "pattern": r"^[A-Z][0-9]+\.[0-9]+$", "examples": ["S7.6"]}
OBJECTIVE_CODE = {"type": "string", "pattern": r"^[A-Z][0-9]+$", "examples": ["S7"]}
DIMENSION_CODE = {"type": "string", "pattern": r"^[A-Z]$", "examples": ["S"]}
TARGET = {
    "type": ["integer", "null"],
    "minimum": 0,
    "description": "Quantity the goal promises (\"05 Proyectos …\" → 5); null when the plan "
                   "gives no number.",
}
KIND = {"type": "string", "enum": list(GOAL_KINDS)}
INDICATOR = {"type": ["string", "null"],
             "description": "What measures the goal, as the plan names it (the JNE's "
                            "txPgIndicador); null when it names none."}
STATUS = {"type": "string", "enum": list(REPORT_STATUSES)}
PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
MONEY = {"type": ["string", "null"], "pattern": r"^[0-9]+\.[0-9]{2}$",
         "description": "Soles, as a decimal string with two decimals."}
REVISION = {
    "revision": {"type": "integer", "minimum": 1},
    "status": STATUS,
    "progress_pct": PERCENT,
    "delivered": {"type": ["integer", "null"], "minimum": 0},
    "narrative": TEXT,
    "sources": {"type": "array", "items": TEXT},
    "cause": {"type": ["string", "null"]},
    "pim": MONEY,
    "devengado": MONEY,
    "cui": {"type": ["string", "null"]},
    "reason": {"type": ["string", "null"],
               "description": "Why this revision corrected the one before; null for the first."},
    "published_at": {"type": "string", "format": "date-time"},
}

SCHEMAS = {
    "Goal": _object({"code": GOAL_CODE, "text": TEXT, "target": TARGET, "kind": KIND,
                     "indicator": INDICATOR}),
    "Objective": _object({
        "code": OBJECTIVE_CODE,
        "text": TEXT,
        "goals": {"type": "array", "items": {"$ref": "#/components/schemas/Goal"}},
    }),
    "Problem": _object({
        "text": TEXT,
        "objectives": {"type": "array", "items": {"$ref": "#/components/schemas/Objective"}},
    }),
    "Dimension": _object({
        "code": DIMENSION_CODE,
        "name": TEXT,
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
    }),
    "Plan": _object({
        "format": {"const": "plan-de-gobierno/1"},
        "plan": _object({
            "title": TEXT,
            "municipality": TEXT,
            "party": {"type": ["string", "null"]},
            "period_start": {"type": "integer"},
            "period_end": {"type": "integer"},
            "source": TEXT,
            "demonstration": DEMONSTRATION,
        }),
        "dimensions": {"type": "array", "items": {"$ref": "#/components/schemas/Dimension"}},
        "term": TERM,
        "archived": ARCHIVED,
    }),
    "GoalDetail": _object({
        "plan": _object({"term": TERM, "archived": ARCHIVED, "demonstration": DEMONSTRATION}),
        "code": GOAL_CODE,
        "text": TEXT,
        "target": TARGET,
        "kind": KIND,
        "indicator": INDICATOR,
        "dimension": _object({"code": DIMENSION_CODE, "name": TEXT}),
        "problem": _object({"text": TEXT}),
        "objective": _object({"code": OBJECTIVE_CODE, "text": TEXT}),
        "url": {"type": "string", "format": "uri"},
        "latest": {"oneOf": [{"type": "null"}, _object({
            "quarter": {"type": "string", "pattern": r"^[0-9]{4}-T[1-4]$"},
            "status": STATUS,
            "progress_pct": PERCENT,
            "delivered": {"type": ["integer", "null"]},
        })]},
        "reports": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}},
        "ratings": {"$ref": "#/components/schemas/Ratings"},
        "comment_count": {"type": "integer", "minimum": 0,
                          "description": "Visible comments: neither hidden nor deleted."},
        "observations": {"type": "array",
                         "items": {"$ref": "#/components/schemas/Observation"}},
        "checks": {"oneOf": [{"type": "null"}, _object({
            "quarter": {"type": "string", "pattern": r"^[0-9]{4}-T[1-4]$"},
            "revision": {"type": "integer", "minimum": 1},
            **{answer: {"type": "integer", "minimum": 0} for answer in CHECK_ANSWERS},
            "disputed": {"type": "boolean"},
        })], "description": "What the residents who checked the delivery the latest report "
                            "claims answered; null when it claims none."},
    }),
    "Checks": _object({
        "goal_code": GOAL_CODE,
        "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}},
    }),
    "Check": _object({
        "id": {"type": "integer"},
        "goal_code": GOAL_CODE,
        "quarter": {"type": "string", "pattern": r"^[0-9]{4}-T[1-4]$"},
        "revision": {"type": "integer", "minimum": 1},
        "answer": {"type": "string", "enum": list(CHECK_ANSWERS)},
        "comment": {"type": ["string", "null"]},
        "place": {"type": ["string", "null"]},
        "author": {"type": "string", "description": "The resident's public name; the "
                   "portal's words for a deleted account once its owner deleted it."},
        "photos": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "checked_at": {"type": "string", "format": "date-time"},
    }),
    "Ratings": _object({
        "average": {"type": ["number", "null"], "minimum": 1, "maximum": 5},
        "count": {"type": "integer", "minimum": 0},
        "distribution": _object({str(n): {"type": "integer", "minimum": 0}
                                 for n in range(1, 6)}),
    }),
    "Observation": _object({
        "id": {"type": "integer"},
        "committee": _object({"code": TEXT, "name": TEXT}),
        "kind": {"type": "string", "enum": list(OBSERVATION_KINDS)},
        "body": TEXT,
        "evidence_url": {"type": ["string", "null"], "format": "uri"},
        "published_at": {"type": "string", "format": "date-time"},
        "response": {"oneOf": [{"type": "null"}, _object({
            "body": TEXT, "published_at": {"type": "string", "format": "date-time"}})]},
    }),
    "Revision": _object(REVISION),
    "Report": _object({
        "quarter": {"type": "string", "pattern": r"^[0-9]{4}-T[1-4]$"},
        **REVISION,
        "corrected": {"type": "boolean"},
        "revisions": {"type": "array", "items": {"$ref": "#/components/schemas/Revision"}},
    }),
    "Error": _object({
        "error": _object({"status": {"type": "integer"}, "message": TEXT}),
    }),
    "Answers": _object({
        "answer_days": {"type": "integer", "minimum": 1,
                        "description": "Calendar days the municipality has to answer."},
        "rows": {"type": "array", "items": _object({
            "plan": TERM,
            "quarter": {"type": "string", "pattern": r"^[0-9]{4}-T[1-4]$"},
            "committee_code": TEXT,
            "posted": {"type": "integer", "minimum": 1},
            "answered": {"type": "integer", "minimum": 0},
            "answered_in_time": {"type": "integer", "minimum": 0},
            "median_answer_days": {"type": ["integer", "null"], "minimum": 0},
            "longest_answer_days": {"type": ["integer", "null"], "minimum": 0},
            "overdue_now": {"type": "integer", "minimum": 0},
            "overdue_goals": {"type": "array", "items": GOAL_CODE},
        })},
    }),
}


def _json(schema, description):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def openapi_document():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal de rendición de cuentas — datos abiertos",
            "version": "1",
            "description": "The government plan of the municipality, goal by goal. "
                           "No personal data is published but the public name residents "
                           "chose to sign their checks with.",
        },
        "servers": [{"url": url_for("plan.home", _external=True).rstrip("/")}],
        "paths": {
            "/api/v1/plan": {"get": {
                "operationId": "getPlan",
                "summary": "The whole plan: dimensions, problems, objectives and goals",
                "responses": {"200": _json("Plan", "The plan, in the order of the document")},
            }},
            "/api/v1/answers": {"get": {
                "operationId": "getAnswers",
                "summary": "How fast the municipality answers the committees' observations, "
                           "per quarter posted and committee",
                "responses": {"200": _json("Answers", "The figures, newest quarter first")},
            }},
            "/api/v1/goals/{code}": {"get": {
                "operationId": "getGoal",
                "summary": "One goal with its dimension, problem and objective; its official "
                           "reports, newest first, each with its revisions; the residents' "
                           "ratings, the number of visible comments and the committees' "
                           "observations with the municipality's answers",
                "parameters": [{"name": "code", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "S7.6"}],
                "responses": {
                    "200": _json("GoalDetail", "The goal"),
                    "404": _json("Error", "No goal has that code"),
                },
            }},
            "/api/v1/goals/{code}/checks": {"get": {
                "operationId": "getGoalChecks",
                "summary": "What the residents who checked the goal's reported deliveries "
                           "wrote, placed or photographed, newest first; checks hidden by a "
                           "committee are left out, their answers still counted in the "
                           "goal's checks",
                "parameters": [{"name": "code", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "S7.6"}],
                "responses": {
                    "200": _json("Checks", "The goal's checks"),
                    "404": _json("Error", "No goal has that code"),
                },
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
