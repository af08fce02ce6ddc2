"""Publishing official progress: one report at a time, a correction, or a quarter's file
(CSV or Excel workbook)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.places import place_choices
from forms.reports import ReportForm, ReportImportForm
from models import REPORT_STATUSES
from portal import terms
from portal.importers.reports_csv import template_csv
from portal.importers.reports_xlsx import XLSX_TYPE, parse_reports, template_xlsx
from portal.importers.structure import FileFormatError
from portal.views.lookups import goal_or_404, published_plan
from portal.page_cache import cached
from portal.views.pages import form_page
from portal.permissions import requires
from portal.quarters import plan_quarters
from portal.services import DomainError
from portal.services import places
from portal.services.plan import newest_plan, plan_tree
from portal.services.reports import (ImportRejected, clean_report, import_reports, publish,
                                     report_for, sent_again)
from portal.services.submissions import SENT_BEFORE
from portal.transactions import once
from portal.translation import lazy_gettext as _l

bp = Blueprint("reports", __name__)


def office_plan():
    """The plan a quarter's file is for: the term in the address, or else the latest term,
    the one in office (an archived plan refuses the file)."""
    if terms.context().term_in_address:
        return published_plan()
    plan = newest_plan(terms.context())
    if plan is None:
        abort(503, description=_l("The government plan has not been loaded yet."))
    terms.enter(plan)
    return plan_tree(terms.context())


def report_or_404(goal, quarter):
    report = report_for(goal, quarter)
    if report is None:
        abort(404, description=_l("Goal %(code)s has no report for %(quarter)s.",
                                  code=goal.code, quarter=quarter))
    return report


def save(form, goal, quarter, reason=None, correcting=False):
    """Validate and publish; on refusal the errors go onto the form and None is returned."""
    content, errors = clean_report(form.raw(), goal)
    for name, message in errors:
        getattr(form, name).errors.append(message)
    if correcting and not (reason or "").strip():
        form.reason.errors.append(_l("Say why the report is corrected; readers will see it."))
        return None
    if content is None:
        return None
    try:
        outcome = publish(current_user, goal, quarter, content, reason)
    except DomainError as error:
        form.form_errors.append(error.message)
        return None
    if outcome != "unchanged":  # the places the new revision's work happened in
        report_for(goal, quarter).current.places = places.chosen(form.places.data, terms.context())
    return outcome


@bp.route("/metas/<code>/reportes/nuevo", methods=["GET", "POST"])
@requires("publish_reports")
@once
def new(code):
    goal = goal_or_404(code)
    reported = {r.quarter for r in goal.reports}
    form = ReportForm()
    form.places.choices = place_choices(terms.context())
    if form.is_submitted():
        content, _errors = clean_report(form.raw(), goal)
        earlier = content and sent_again(current_user, goal, content)
        if earlier:
            flash(SENT_BEFORE, "info")
            return redirect(url_for("plan.goal", code=goal.code, _anchor="reportes"))
    form.quarter.choices = [q for q in reversed(plan_quarters(published_plan()))
                            if q not in reported]
    if not form.quarter.choices:
        flash(_l("Every quarter of this goal already has its report; correct one instead."),
              "info")
        return redirect(url_for("plan.goal", code=goal.code, _anchor="reportes"))
    if form.validate_on_submit() and save(form, goal, form.quarter.data):
        flash(_l("Report for %(quarter)s published.", quarter=form.quarter.data), "success")
        return redirect(url_for("plan.goal", code=goal.code, _anchor="reportes"))
    return form_page("reports/form.html", form, goal=goal, correcting=None)


@bp.route("/metas/<code>/reportes/<quarter>/corregir", methods=["GET", "POST"])
@requires("publish_reports")
@once
def correct(code, quarter):
    goal = goal_or_404(code)
    report = report_or_404(goal, quarter)
    form = ReportForm()
    del form.quarter
    form.places.choices = place_choices(terms.context())
    if not form.is_submitted():
        form.fill(report.current)
        form.places.data = [place.slug for place in report.current.places]
    elif form.validate() and (outcome := save(form, goal, quarter, form.reason.data,
                                              correcting=True)):
        flash(_l("Nothing changed: the report already says this.") if outcome == "unchanged"
              else _l("Correction published; the earlier version stays visible."), "success")
        return redirect(url_for("plan.goal", code=goal.code, _anchor="reportes"))
    return form_page("reports/form.html", form, goal=goal, correcting=report)


@bp.route("/reportes/importar", methods=["GET", "POST"])
@requires("publish_reports")
def import_csv():
    plan = office_plan()
    form = ReportImportForm()
    form.quarter.choices = list(reversed(plan_quarters(plan)))
    errors, outcome = [], None
    if form.validate_on_submit():
        try:
            rows, shape_errors, place = parse_reports(form.file.data.read())
            outcome = import_reports(current_user, plan, form.quarter.data, rows,
                                     form.reason.data, shape_errors)
        except FileFormatError as error:
            errors = [(error.where, error.message)]
        except ImportRejected as rejected:
            errors = [(place(line), message) for line, message in rejected.errors]
        except DomainError as error:
            errors = [("", error.message)]
    status = 400 if errors or form.errors else 200
    return render_template("reports/import.html", form=form, errors=errors, outcome=outcome,
                           quarter=form.quarter.data), status


@bp.get("/reportes/plantilla.csv")
@cached()
def template():
    plan = office_plan()
    return Response(template_csv(plan.goals), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=reportes-plantilla.csv"})


@bp.get("/reportes/plantilla.xlsx")
@cached()
def template_workbook():
    goals = office_plan().goals
    return Response(template_xlsx(goals, REPORT_STATUSES, str(_l("Goal")),
                                  str(_l("What the plan promises"))),
                    mimetype=XLSX_TYPE, headers={
                        "Content-Disposition": "attachment; filename=reportes-plantilla.xlsx"})
