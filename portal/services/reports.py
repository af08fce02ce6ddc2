"""Official progress reports: validating, publishing, correcting, importing by CSV."""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import (REPORT_STATUSES, STATUSES_NEEDING_CAUSE, STATUSES_NEEDING_SOURCES, Goal, Report,
                    ReportRevision, db)
from models.base import aware
from portal.permissions import ensure_plan_open
from portal.quarters import is_plan_quarter, plan_quarters
from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

from . import DomainError
from .notifications import tell_followers
from .plan import in_plan
from .submissions import sent_again_since

MAX_NARRATIVE = 5000
MAX_SOURCE = 500
MAX_CAUSE = 2000
MAX_REASON = 1000
MAX_MONEY = Decimal("999999999999.99")
CUI = re.compile(r"^\d{6,7}$")


@dataclass(frozen=True)
class ReportInput:
    """A report's content, validated; compared field by field to spot real corrections."""

    status: str
    progress_pct: Decimal
    delivered: int | None
    narrative: str
    sources: tuple = field(default_factory=tuple)
    cause: str | None = None
    pim: Decimal | None = None
    devengado: Decimal | None = None
    cui: str | None = None

    @classmethod
    def of(cls, revision):
        return cls(revision.status, Decimal(revision.progress_pct), revision.delivered,
                   revision.narrative, tuple(revision.source_list), revision.cause,
                   None if revision.pim is None else Decimal(revision.pim),
                   None if revision.devengado is None else Decimal(revision.devengado),
                   revision.cui)


def _text(raw, name):
    """A field's text: the narrative keeps its paragraphs, the rest one line."""
    value = raw.get(name) or ""
    if name == "narrative":
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return " ".join(value.split())


DECIMAL = re.compile(r"^-?\d+([.,]\d+)?$")


def _decimal(text, errors, name, label, maximum, example):
    """A number as people write it: "45.5", or "45,5" with a Spanish decimal comma.
    ``example`` is a plausible value of the field, written with a point."""
    if not text:
        return None
    if not DECIMAL.match(text):
        errors.append((name, _l("%(field)s must be a number without thousands separators, "
                                "such as %(example)s or %(with_comma)s.", field=label,
                                example=example, with_comma=example.replace(".", ","))))
        return None
    value = Decimal(text.replace(",", "."))
    if not value.is_finite() or value < 0 or value > maximum:
        errors.append((name, _l("%(field)s must be between 0 and %(max)s.", field=label,
                                max=maximum)))
        return None
    if value.as_tuple().exponent < -2:
        errors.append((name, _l("%(field)s may have at most two decimals.", field=label)))
        return None
    return value


def clean_report(raw, goal):
    """Validate a report's fields, given as text; returns (ReportInput or None, errors).

    ``raw`` holds strings (form fields or CSV cells); ``sources`` is a list of strings.
    Each error is (field, translatable message).
    """
    errors = []
    status = _text(raw, "status")
    if not status:
        errors.append(("status", _l("Choose a status.")))
    elif status not in REPORT_STATUSES:
        # Only a file names a status by its code; it is told the codes it may write.
        errors.append(("status", _l("The status must be one of: %(statuses)s.",
                                    statuses=", ".join(REPORT_STATUSES))))
    progress = _decimal(_text(raw, "progress_pct"), errors, "progress_pct",
                        _l("Physical progress"), Decimal(100), "60.5")
    if progress is None and not any(name == "progress_pct" for name, _ in errors):
        errors.append(("progress_pct", _l("Physical progress is required (0 to 100).")))

    if progress is not None and status == "no_iniciada" and progress != 0:
        errors.append(("progress_pct", _l("A goal not started has no progress yet: write 0.")))
    if progress is not None and status == "cumplida" and progress != 100:
        errors.append(("progress_pct", _l("A fulfilled goal has a progress of 100; otherwise "
                                          "choose “partly fulfilled”.")))

    delivered = None
    delivered_text = _text(raw, "delivered")
    if delivered_text:
        if not delivered_text.isdigit():
            errors.append(("delivered", _l("The quantity delivered must be a whole number, "
                                           "zero or more.")))
        elif goal.target is None:
            errors.append(("delivered", _l("Goal %(code)s promises no quantity in the plan; "
                                           "leave the quantity delivered empty.",
                                           code=goal.code)))
        else:
            delivered = int(delivered_text)

    narrative = _text(raw, "narrative")
    if not narrative:
        errors.append(("narrative", _l("Describe what was done in the narrative.")))
    elif len(narrative) > MAX_NARRATIVE:
        errors.append(("narrative", _l("The narrative may have at most %(max)s characters.",
                                       max=MAX_NARRATIVE)))

    sources = tuple(" ".join(s.split()) for s in raw.get("sources") or () if s.strip())
    if any(len(s) > MAX_SOURCE for s in sources):
        errors.append(("sources", _l("Each source may have at most %(max)s characters.",
                                     max=MAX_SOURCE)))
    if status in STATUSES_NEEDING_SOURCES and not sources:
        errors.append(("sources", _l("A fulfilled goal needs at least one source: a link or a "
                                     "document such as a resolución or an informe.")))

    cause = _text(raw, "cause") or None
    if status in STATUSES_NEEDING_CAUSE and not cause:
        errors.append(("cause", _l("Give the cause when a goal is halted or cancelled.")))
    elif cause and len(cause) > MAX_CAUSE:
        errors.append(("cause", _l("The cause may have at most %(max)s characters.",
                                   max=MAX_CAUSE)))

    pim = _decimal(_text(raw, "pim"), errors, "pim", "PIM", MAX_MONEY, "1250.50")
    devengado = _decimal(_text(raw, "devengado"), errors, "devengado", _l("Accrued (devengado)"),
                         MAX_MONEY, "1250.50")
    cui = _text(raw, "cui") or None
    if cui and not CUI.match(cui):
        errors.append(("cui", _l("The CUI is the investment's code of 6 or 7 digits.")))

    if errors:
        return None, errors
    return ReportInput(status, progress.quantize(Decimal("0.01")), delivered, narrative,
                       sources, cause, pim, devengado, cui), []


def report_for(goal, quarter):
    return db.session.scalar(select(Report).where(Report.goal_id == goal.id,
                                                  Report.quarter == quarter)
                             .options(selectinload(Report.revisions)))


def _revision(report, number, content, reason, actor):
    return ReportRevision(
        report=report, number=number, status=content.status,
        progress_pct=content.progress_pct, delivered=content.delivered,
        narrative=content.narrative, sources="\n".join(content.sources), cause=content.cause,
        pim=content.pim, devengado=content.devengado, cui=content.cui, reason=reason,
        author=actor)


def check_quarter(plan, quarter):
    if not is_plan_quarter(plan, quarter):
        quarters = plan_quarters(plan)
        raise DomainError(_l("The quarter must be one of the plan's period, from %(first)s to "
                             "%(last)s.", first=quarters[0], last=quarters[-1]))


def sent_again(actor, goal, content):
    """The report this official published moments ago on the goal with this very content:
    a form sent again from the browser's history, whatever quarter it now names."""
    for report in goal.reports:
        revision = report.current
        if (revision.author_id == actor.id and aware(revision.created_at) >= sent_again_since()
                and ReportInput.of(revision) == content):
            return report
    return None


def publish(actor, goal, quarter, content, reason=None):
    """Publish a goal's report for a quarter, or correct it with a reason.

    Returns "created", "corrected" or "unchanged". A correction adds a revision: what the
    report said before stays readable.
    """
    ensure_plan_open(goal)
    check_quarter(goal.objective.dimension.plan, quarter)
    report = report_for(goal, quarter)
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise DomainError(_l("The reason may have at most %(max)s characters.", max=MAX_REASON))
    previous_status = _latest_status(goal)
    if report is None:
        report = Report(goal=goal, quarter=quarter)
        db.session.add(report)
        db.session.add(_revision(report, 1, content, None, actor))
        outcome = "created"
    elif ReportInput.of(report.current) == content:
        return "unchanged"
    elif not reason:
        raise DomainError(_l("The report of %(code)s for %(quarter)s is already published; "
                             "a correction needs its reason.", code=goal.code, quarter=quarter))
    else:
        db.session.add(_revision(report, report.current.number + 1, content, reason, actor))
        outcome = "corrected"
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError(_l("Someone published this report at the same moment. Reload the "
                             "page and check it before trying again.")) from None
    _announce(goal, report, outcome, previous_status, actor, reason)
    return outcome


def _latest_status(goal):
    latest = max(goal.reports, key=lambda report: report.quarter, default=None)
    return latest.current.status if latest else None


def _announce(goal, report, outcome, previous_status, actor, reason):
    revision = report.current
    actor_id = actor.id if actor is not None else None  # None: a command, nobody signed in
    key = f"report:{report.id}:{revision.number}"
    if outcome == "created":
        tell_followers("report_published", key, goal, "reportes", actor_id,
                       quarter=report.quarter, status=revision.status)
    else:
        tell_followers("report_corrected", key, goal, "reportes", actor_id,
                       quarter=report.quarter, reason=reason)
    status = _latest_status(goal)
    if status != previous_status:
        tell_followers("status_changed", key + ":status", goal, "reportes", actor_id,
                       quarter=report.quarter, status=status, before=previous_status)


@dataclass
class ImportOutcome:
    created: list = field(default_factory=list)
    corrected: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)

    def summary(self, quarter):
        """"2021-T3: 3 reports published, 1 corrected, 0 unchanged.", each count in its
        singular or plural, as the page and the command say it."""
        return _l("%(quarter)s: %(published)s, %(corrected)s, %(unchanged)s.", quarter=quarter,
                  published=_nl("%(num)s report published", "%(num)s reports published",
                                len(self.created)),
                  corrected=_nl("%(num)s corrected", "%(num)s corrected", len(self.corrected)),
                  unchanged=_nl("%(num)s unchanged", "%(num)s unchanged", len(self.unchanged)))


class ImportRejected(DomainError):
    """The whole file is refused; ``errors`` lists (line, message), nothing was written."""

    def __init__(self, errors):
        super().__init__(_nl("The file was not imported: %(num)s error.",
                             "The file was not imported: %(num)s errors.", len(errors)))
        self.errors = errors


def plan_goals(plan):
    return {g.code: g for g in db.session.scalars(
        in_plan(select(Goal), plan.id)
        .options(selectinload(Goal.reports).selectinload(Report.revisions)))}


def import_reports(actor, plan, quarter, rows, reason=None, errors=()):
    """Validate every row, then write them all or nothing.

    ``rows`` are (line, dict) from the CSV reader, ``errors`` what it already found.
    """
    ensure_plan_open(plan)
    check_quarter(plan, quarter)
    goals = plan_goals(plan)
    errors, planned, seen = list(errors), [], {}
    for line, raw in rows:
        code = (raw.get("code") or "").strip().upper()
        if code in seen:
            errors.append((line, _l("goal %(code)s is already on line %(other)s; one row per "
                                    "goal.", code=code, other=seen[code])))
            continue
        seen[code] = line
        goal = goals.get(code)
        if goal is None:
            errors.append((line, _l("there is no goal with the code “%(code)s”.", code=code)))
            continue
        content, problems = clean_report(raw, goal)
        errors.extend((line, message) for _field, message in problems)
        if content is None:
            continue
        existing = next((r for r in goal.reports if r.quarter == quarter), None)
        if existing and ReportInput.of(existing.current) != content and not (reason or "").strip():
            errors.append((line, _l("it changes the published report of %(code)s for "
                                    "%(quarter)s: give the reason for the correction.",
                                    code=code, quarter=quarter)))
            continue
        planned.append((goal, content))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error[0]))
    if not planned:
        raise ImportRejected([(1, _l("the file has no rows."))])
    outcome = ImportOutcome()
    for goal, content in planned:
        result = publish(actor, goal, quarter, content, reason)
        getattr(outcome, result).append(goal.code)
    return outcome


def latest_quarter_query(plan_id):
    """The most recent quarter anything was reported for: the one people expect news of."""
    return in_plan(select(func.max(Report.quarter)).join(Report.goal), plan_id)
