"""Evidence: attaching photos and documents to reports and observations, serving them, and
withdrawing one."""
from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request)
from flask_login import current_user

from forms.evidence import CheckForm, EvidenceForm, WithdrawForm
from forms.feedback import FlagForm, ModerationForm
from forms.places import place_choices
from models import DeliveryCheck, Evidence, Observation, db
from models.cache import CHECKS
from portal.views.lookups import goal_or_404
from portal.page_cache import cached
from portal.views.pages import form_page, refusal_shown
from portal.context import Context
from portal.permissions import ensure, municipality_of, plan_of, requires
from portal.views.reports import report_or_404
from portal.services import checks, moderation, places
from portal.services import evidence as service
from portal.storage import storage
from portal.terms import goal_url, municipality_url
from portal.transactions import once
from portal.translation import lazy_gettext as _l

bp = Blueprint("evidence", __name__)


def back_to(evidence_subject):
    if isinstance(evidence_subject, DeliveryCheck):
        return check_url(evidence_subject)
    if isinstance(evidence_subject, Observation):
        return goal_url(evidence_subject.goal, _anchor=f"observacion-{evidence_subject.id}")
    report = evidence_subject.report
    return goal_url(report.goal, _anchor=f"report-{report.quarter}")


def attach(subject, heading):
    form = EvidenceForm()
    # The places of the municipality the evidence is of.
    where = Context(municipality_id=municipality_of(subject))
    form.places.choices = place_choices(where)
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        with refusal_shown(form, form.file):
            evidence = service.attach(current_user, subject, upload.read(), upload.filename,
                                      form.caption.data, form.taken_on.data,
                                      form.keep_place.data)
            evidence.places = places.chosen(form.places.data, where)
            flash(_l("The file is published with its checksum."), "success")
            return redirect(back_to(subject))
    if form.errors:
        status = 400
    return render_template("evidence/attach.html", form=form, subject=subject,
                           heading=heading, back=back_to(subject),
                           max_files=current_app.config["EVIDENCE_MAX_FILES"],
                           max_mb=current_app.config["EVIDENCE_MAX_BYTES"] // 2**20), status


@bp.route("/metas/<code>/reportes/<quarter>/evidencia", methods=["GET", "POST"])
@requires("attach_report_evidence")
@once
def attach_to_report(code, quarter):
    goal = goal_or_404(code)
    report = report_or_404(goal, quarter)
    return attach(report.current, _l("Evidence for the report of goal %(code)s, %(quarter)s",
                                     code=goal.code, quarter=quarter))


@bp.route("/metas/<code>/verificacion", methods=["GET", "POST"])
@requires("check_delivery")
@once
def check(code):
    """A resident says whether they saw what the municipality reports delivered."""
    goal = goal_or_404(code)
    claim = checks.claim_of(goal)
    if claim is None:
        abort(404, description=_l("The municipality reports no delivery on goal %(code)s to "
                                  "check.", code=goal.code))
    earlier = checks.mine(current_user, claim)
    form = CheckForm(obj=earlier)  # what was sent, or else the resident's earlier answer
    if form.validate_on_submit():
        upload = form.photo.data
        photo = (upload.read(), upload.filename, None) if upload and upload.filename else None
        with refusal_shown(form, form.answer):
            checks.answer(current_user, goal, form.answer.data, form.comment.data,
                          form.place.data, photo)
            flash(_l("Thank you: your answer is counted beside the municipality's report."),
                  "success")
            return redirect(goal_url(goal, _anchor="official-now"))
    return form_page("evidence/check.html", form, goal=goal, claim=claim,
                     tally=checks.tallies([claim.id])[claim.id],
                     answered=earlier is not None)


@bp.get("/metas/<code>/verificaciones")
@cached(CHECKS, goal=True)
def checks_of_goal(code):
    """Every visible check of a goal with something to read, a page at a time."""
    goal = goal_or_404(code, full=False)
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = checks.CHECKS_PER_PAGE
    found = checks.checks_of_goal(goal, per_page, (page - 1) * per_page)
    return render_template("evidence/checks.html", goal=goal, checks=found[:per_page],
                           page=page, more=len(found) > per_page)


def check_or_404(check_id):
    check = checks.check_or_none(check_id)
    if check is None:
        abort(404, description=_l("That check does not exist."))
    return check


def check_url(check):
    return goal_url(check.goal, _anchor=f"verificacion-{check.id}")


@bp.route("/verificaciones/<int:check_id>/reportar", methods=["GET", "POST"])
@requires("flag_check")
@once
def flag_check(check_id):
    check = check_or_404(check_id)
    form = FlagForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.reason):
            checks.flag_check(current_user, check, form.reason.data)
            flash(_l("Thank you: the committee watching this goal will review the check."),
                  "success")
            return redirect(check_url(check))
    return form_page("evidence/flag_check.html", form, check=check)


@bp.route("/verificaciones/<int:check_id>/moderar", methods=["GET", "POST"])
@requires("moderate_goal")
@once
def moderate_check(check_id):
    check = check_or_404(check_id)
    ensure("moderate_goal", check.goal)
    form = ModerationForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.reason):
            if request.form.get("action") == "restore":
                checks.restore_check(current_user, check, form.note.data)
                flash(_l("The check is visible again."), "success")
            else:
                checks.hide_check(current_user, check, form.reason.data, form.note.data)
                flash(_l("The check is hidden; its answer stays counted."), "success")
            return redirect(municipality_url("feedback.queue", plan_of(check)))
    return form_page("evidence/moderate_check.html", form, check=check,
                     flags=moderation.reports_of(check))


@bp.route("/observaciones/<int:observation_id>/evidencia", methods=["GET", "POST"])
@requires("attach_observation_evidence")
@once
def attach_to_observation(observation_id):
    observation = db.session.get(Observation, observation_id)
    if observation is None:
        abort(404)
    ensure("attach_observation_evidence", observation)
    return attach(observation, _l("Evidence for the observation of %(committee)s on goal "
                                  "%(code)s", committee=observation.committee.code,
                                  code=observation.goal.code))


def evidence_or_404(evidence_id):
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404, description=_l("There is no such file."))
    if evidence.withdrawn_at is not None:
        abort(410, description=_l("This file was withdrawn: %(reason)s",
                                  reason=evidence.withdrawn_reason))
    return evidence


def serve(evidence, key, media_type):
    with storage().open(key) as handle:
        data = handle.read()
    disposition = ("attachment" if evidence.kind == "pdf" else "inline")
    name = f"evidencia-{evidence.id}{'.' + key.rsplit('.', 1)[-1]}"
    return Response(data, mimetype=media_type, headers={
        "Content-Disposition": f"{disposition}; filename={name}",
        "X-Content-Type-Options": "nosniff",
        # The file under an address never changes: it is named by its content.
        "Cache-Control": "public, max-age=86400"})


@bp.get("/evidencia/<int:evidence_id>")
def show(evidence_id):
    evidence = evidence_or_404(evidence_id)
    return serve(evidence, evidence.key, service.media_type(evidence))


@bp.get("/evidencia/<int:evidence_id>/miniatura")
def thumbnail(evidence_id):
    evidence = evidence_or_404(evidence_id)
    if evidence.thumbnail_key is None:
        abort(404)
    return serve(evidence, evidence.thumbnail_key, service.media_type(evidence))


@bp.route("/evidencia/<int:evidence_id>/retirar", methods=["GET", "POST"])
@requires("withdraw_evidence")
def withdraw(evidence_id):
    evidence = evidence_or_404(evidence_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.reason):
            service.withdraw(current_user, evidence, form.reason.data)
            flash(_l("The file is withdrawn; its checksum and the reason stay listed."),
                  "success")
            return redirect(back_to(evidence.revision or evidence.observation or evidence.check))
    return form_page("evidence/withdraw.html", form, evidence=evidence,
                     back=back_to(evidence.revision or evidence.observation or evidence.check))

