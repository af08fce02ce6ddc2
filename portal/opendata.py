"""Open data: each dataset defined once, with its fields described, served as CSV and JSON:
each municipality's drawn from its plan on request (``portal.views.transparency``), the
national ones built from every plan in the background (``portal.services.opendata``).

No dataset holds personal data: no e-mails or accounts, only what the municipality and the
committees published, the residents' ratings counted together, and what residents who
checked a delivery chose to publish under their public name.
"""
import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Evidence, Observation, Report, ReportRevision, db
from models.base import aware
from portal.context import Context
from portal.services.answers import answer_rows
from portal.services.checks import check_rows, claim_rows
from portal.services.feedback import visible_comment_counts
from portal.services.ratings import rating_summaries
from portal.services.plan import plan_tree
from portal.services.progress import PlanProgress
from portal.translation import lazy_gettext as _l


PLAN_FIELD = ("plan", _l("Term of the government plan, such as 2019-2022."))
MUNICIPALITY_FIELDS = [
    ("ubigeo", _l("INEI ubigeo of the municipality: its district's six digits (a provincial "
                  "municipality's is its province's capital district's).")),
    ("municipality", _l("The municipality, as its plan names it.")),
    ("demonstration", _l("true for a demonstration plan the JNE never published, made up to "
                         "show how the portal works; false for a municipality's plan.")),
]


@dataclass
class Dataset:
    name: str
    title: str
    fields: list  # (name, description)
    rows: callable

    @property
    def columns(self):
        """Every dataset's rows name their plan first, so that terms can be put together."""
        return [PLAN_FIELD, *self.fields]

    def _rows(self, plan, codes=None):
        """The rows, or only those of the goals with these codes (the goals of a place)."""
        for row in self.rows(plan):
            code = row.get("code", row.get("goal_code"))
            if codes is None or code in codes:
                yield {"plan": plan.term} | row

    def as_csv(self, plan, codes=None):
        return as_csv(self.columns, self._rows(plan, codes))

    def as_json(self, plan, codes=None):
        return as_json(self.columns, self._rows(plan, codes))

    @property
    def national_columns(self):
        """The national dataset's rows name their municipality before their plan."""
        return [*MUNICIPALITY_FIELDS, *self.columns]

    def national_rows(self, plans):
        """The rows of ``plans`` (each read with its tree), their municipality first."""
        for plan in plans:
            head = {"ubigeo": plan.registered.ubigeo if plan.registered else None,
                    "municipality": plan.municipality, "demonstration": plan.demonstration}
            for row in self._rows(plan_tree(Context(plan_id=plan.id))):
                yield head | row


def as_csv(columns, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [name for name, _ in columns]
    writer.writerow(names)
    for row in rows:
        writer.writerow(csv_cells(names, row))
    return out.getvalue()


def as_json(columns, rows):
    names = [name for name, _ in columns]
    return [json_object(names, row) for row in rows]


def csv_cells(names, row):
    """A row's cells of the columns ``names``, as CSV writes them."""
    return [_cell(row[name]) for name in names]


def json_object(names, row):
    """A row's fields of the columns ``names``, as JSON writes them."""
    return {name: _json(row[name]) for name in names}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " | ".join(value)
    return str(value)


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _goal_rows(plan):
    progress = PlanProgress(plan)
    ratings = rating_summaries([g.id for g in plan.goals])
    comments = visible_comment_counts([g.id for g in plan.goals])
    for dimension in plan.dimensions:
        for problem_number, problem in enumerate(dimension.problems, start=1):
            for objective in problem.objectives:
                for goal in objective.goals:
                    entry = progress.of(goal)
                    revision = entry.revision
                    rating = ratings.get(goal.id, {})
                    yield {
                        "code": goal.code, "dimension": dimension.name,
                        "problem_number": problem_number, "problem": problem.text,
                        "objective_code": objective.code, "objective": objective.text,
                        "text": goal.text, "target": goal.target, "kind": goal.kind,
                        "indicator": goal.indicator,
                        "latest_quarter": entry.report.quarter if entry.report else None,
                        "status": revision.status if revision else None,
                        "progress_pct": revision.progress_pct if revision else None,
                        "delivered": revision.delivered if revision else None,
                        "rating_average": rating.get("average"),
                        "rating_count": rating.get("count", 0),
                        "comment_count": comments.get(goal.id, 0),
                    }


def _report_rows(plan):
    goal_ids = [g.id for g in plan.goals]
    reports = db.session.scalars(
        select(Report).where(Report.goal_id.in_(goal_ids))
        .order_by(Report.quarter, Report.id)
        .options(selectinload(Report.revisions), selectinload(Report.goal))).all()
    for report in reports:
        for revision in report.revisions:
            yield {
                "goal_code": report.goal.code, "quarter": report.quarter,
                "revision": revision.number, "current": revision is report.current,
                "status": revision.status, "progress_pct": revision.progress_pct,
                "delivered": revision.delivered, "narrative": revision.narrative,
                "sources": revision.source_list, "cause": revision.cause,
                "pim": revision.pim, "devengado": revision.devengado, "cui": revision.cui,
                "reason": revision.reason,
                "published_at": aware(revision.created_at).isoformat(),
            }


def _observation_rows(plan):
    goal_ids = [g.id for g in plan.goals]
    observations = db.session.scalars(
        select(Observation).where(Observation.goal_id.in_(goal_ids))
        .order_by(Observation.created_at, Observation.id)
        .options(selectinload(Observation.goal), selectinload(Observation.committee),
                 selectinload(Observation.response))).all()
    for observation in observations:
        response = observation.response
        yield {
            "id": observation.id, "goal_code": observation.goal.code,
            "committee_code": observation.committee.code,
            "committee": observation.committee.name, "kind": observation.kind,
            "body": observation.body, "evidence_url": observation.evidence_url,
            "published_at": aware(observation.created_at).isoformat(),
            "response": response.body if response else None,
            "response_published_at": aware(response.created_at).isoformat() if response else None,
        }


def _rating_rows(plan):
    ratings = rating_summaries([g.id for g in plan.goals])
    for goal in plan.goals:
        rating = ratings.get(goal.id)
        distribution = rating["distribution"] if rating else {}
        yield {
            "goal_code": goal.code,
            "count": rating["count"] if rating else 0,
            "average": rating["average"] if rating else None,
            **{f"stars_{n}": distribution.get(str(n), 0) for n in range(1, 6)},
        }


def _evidence_rows(plan):
    goal_ids = [g.id for g in plan.goals]
    by_report = (select(Evidence).join(Evidence.revision).join(ReportRevision.report)
                 .where(Report.goal_id.in_(goal_ids)))
    by_observation = (select(Evidence).join(Evidence.observation)
                      .where(Observation.goal_id.in_(goal_ids)))
    files = [*db.session.scalars(by_report.options(
        selectinload(Evidence.revision).selectinload(ReportRevision.report)
        .selectinload(Report.goal))),
        *db.session.scalars(by_observation.options(
            selectinload(Evidence.observation).selectinload(Observation.goal)))]
    for file in sorted(files, key=lambda file: file.id):
        report = file.revision.report if file.revision else None
        yield {
            "id": file.id, "goal_code": file.goal.code,
            "quarter": report.quarter if report else None,
            "revision": file.revision.number if file.revision else None,
            "observation_id": file.observation_id, "kind": file.kind, "caption": file.caption,
            "taken_on": file.taken_on.isoformat(), "sha256": file.sha256,
            "url": None if file.withdrawn_at else url_for(
                "evidence.show", evidence_id=file.id, _external=True),
            "latitude": file.latitude, "longitude": file.longitude,
            "withdrawn_reason": file.withdrawn_reason,
        }


DATASETS = {dataset.name: dataset for dataset in (
    Dataset("metas", _l("Goals"), [
        ("code", _l("Stable code of the goal, such as S7.6.")),
        ("dimension", _l("Dimension of the plan.")),
        ("problem_number", _l("Number of the identified problem within its dimension.")),
        ("problem", _l("The identified problem, as written in the plan.")),
        ("objective_code", _l("Code of the strategic objective, such as S7.")),
        ("objective", _l("The strategic objective, as written in the plan.")),
        ("text", _l("The goal, as written in the plan.")),
        ("target", _l("The quantity promised; empty when the plan gives none.")),
        ("kind", _l("programa, proyecto, plan or otro.")),
        ("indicator", _l("What measures the goal, as the plan names it; empty when it names "
                         "none.")),
        ("latest_quarter", _l("Quarter of the latest official report; empty if none.")),
        ("status", _l("Status in that report (machine name).")),
        ("progress_pct", _l("Physical progress, in percent, in that report.")),
        ("delivered", _l("Quantity delivered in that report.")),
        ("rating_average", _l("Residents' average rating, 1 to 5; empty if nobody rated.")),
        ("rating_count", _l("How many residents rated the goal.")),
        ("comment_count", _l("Visible comments on the goal.")),
    ], _goal_rows),
    Dataset("reportes", _l("Official reports, with every revision"), [
        ("goal_code", _l("Code of the goal.")),
        ("quarter", _l("Quarter reported, such as 2021-T3.")),
        ("revision", _l("1 for the report as first published; each correction adds one.")),
        ("current", _l("true for the revision in force.")),
        ("status", _l("Status (machine name).")),
        ("progress_pct", _l("Physical progress, in percent.")),
        ("delivered", _l("Quantity delivered.")),
        ("narrative", _l("What was done.")),
        ("sources", _l("Links and documents, separated by “ | ” in CSV.")),
        ("cause", _l("Cause, when halted or cancelled.")),
        ("pim", _l("Presupuesto institucional modificado, in soles.")),
        ("devengado", _l("Accrued spending (devengado), in soles.")),
        ("cui", _l("Investment code (CUI).")),
        ("reason", _l("Why this revision corrected the previous one.")),
        ("published_at", _l("When this revision was published (UTC, ISO 8601).")),
    ], _report_rows),
    Dataset("observaciones", _l("Committee observations and the municipality's answers"), [
        ("id", _l("Number of the observation.")),
        ("goal_code", _l("Code of the goal.")),
        ("committee_code", _l("Code of the committee, such as COPALE.")),
        ("committee", _l("Name of the committee.")),
        ("kind", _l("observacion, alerta or recomendacion.")),
        ("body", _l("The observation.")),
        ("evidence_url", _l("Link to the evidence, if any.")),
        ("published_at", _l("When it was published (UTC, ISO 8601).")),
        ("response", _l("The municipality's answer; empty while it waits.")),
        ("response_published_at", _l("When the answer was published.")),
    ], _observation_rows),
    Dataset("respuestas", _l("How fast the municipality answers the committees"), [
        ("quarter", _l("Quarter the observations were posted in, such as 2021-T3.")),
        ("committee_code", _l("Code of the committee, such as COPALE.")),
        ("posted", _l("Observations posted.")),
        ("answered", _l("Observations answered.")),
        ("answered_in_time", _l("Observations answered within the deadline.")),
        ("median_answer_days", _l("Median answer time, in days; empty if none answered.")),
        ("longest_answer_days", _l("Longest answer time, in days; empty if none answered.")),
        ("overdue_now", _l("Observations past their deadline without an answer.")),
        ("overdue_goals", _l("Their goals' codes, separated by “ | ” in CSV.")),
    ], answer_rows),
    Dataset("calificaciones", _l("Residents' ratings, counted per goal"), [
        ("goal_code", _l("Code of the goal.")),
        ("count", _l("How many residents rated it.")),
        ("average", _l("Average, 1 to 5; empty if nobody rated.")),
        ("stars_1", _l("Residents who gave 1 star.")),
        ("stars_2", _l("Residents who gave 2 stars.")),
        ("stars_3", _l("Residents who gave 3 stars.")),
        ("stars_4", _l("Residents who gave 4 stars.")),
        ("stars_5", _l("Residents who gave 5 stars.")),
    ], _rating_rows),
    Dataset("evidencia", _l("Evidence: photos and documents of reports and observations"), [
        ("id", _l("Number of the file.")),
        ("goal_code", _l("Code of the goal.")),
        ("quarter", _l("Quarter of the report it documents; empty for an observation.")),
        ("revision", _l("Revision of that report it belongs to.")),
        ("observation_id", _l("Number of the observation it documents, if any.")),
        ("kind", _l("image or pdf.")),
        ("caption", _l("What it shows, as its uploader wrote.")),
        ("taken_on", _l("Date it was taken or issued (ISO 8601).")),
        ("sha256", _l("SHA-256 checksum of the file served.")),
        ("url", _l("Address of the file; empty once withdrawn.")),
        ("latitude", _l("Where a photo was taken, when its uploader kept the place.")),
        ("longitude", _l("Where a photo was taken, when its uploader kept the place.")),
        ("withdrawn_reason", _l("Why the file was withdrawn; empty while it is served.")),
    ], _evidence_rows),
    Dataset("verificaciones", _l("Deliveries reported and what the residents who checked said"), [
        ("goal_code", _l("Code of the goal.")),
        ("quarter", _l("Quarter of the latest report, which claims the delivery.")),
        ("revision", _l("Revision of that report in force.")),
        ("delivered", _l("Quantity delivered, as reported.")),
        ("status", _l("Status (machine name).")),
        ("yes", _l("Residents who saw it.")),
        ("partly", _l("Residents who saw it in part.")),
        ("no", _l("Residents who did not see it.")),
        ("unknown", _l("Residents who do not know.")),
        ("disputed", _l("true once 3 have answered and more said no than yes.")),
    ], claim_rows),
    Dataset("verificaciones-vecinos", _l("What each resident who checked a delivery said"), [
        ("id", _l("Number of the check.")),
        ("goal_code", _l("Code of the goal.")),
        ("quarter", _l("Quarter of the report whose delivery was checked.")),
        ("revision", _l("Revision of that report the answer is about.")),
        ("answer", _l("yes, partly, no or unknown.")),
        ("comment", _l("What the resident wrote; empty if nothing.")),
        ("place", _l("Where the resident looked, as they wrote it; empty if not said.")),
        ("author", _l("The resident's public name; “Deleted account” once they deleted it.")),
        ("photos", _l("Addresses of the resident's photos, separated by “ | ” in CSV.")),
        ("checked_at", _l("When the resident answered (UTC, ISO 8601).")),
    ], check_rows),
)}
