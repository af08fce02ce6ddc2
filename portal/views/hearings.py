"""Public accountability hearings: their list, each hearing's page with the residents'
questions and the answers, the acta, and the printed summary the law asks for."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.hearings import ActaForm, AnswerForm, HearingForm, HideQuestionForm, question_form
from models import Hearing, HearingQuestion, db
from models.base import utcnow
from models.cache import HEARINGS, OBSERVATIONS, RATINGS, REPORTS
from portal import terms
from portal.views.feedback import account_key
from portal.limits import per_address_and
from portal.page_cache import cached
from portal.views.pages import form_page, refusal_shown
from portal.permissions import can, ensure, municipality_of, requires
from portal.quarters import local, plan_quarters
from portal.services import DomainError
from portal.services import hearings as service
from portal.services.plan import newest_plan, plan_tree
from portal.storage import storage
from portal.transactions import once
from portal.translation import lazy_gettext as _l

bp = Blueprint("hearings", __name__)

asking_limits = per_address_and("COMMENT_LIMIT", account_key, _l("questions"))


def hearing_or_404(hearing_id):
    """A hearing of the request's municipality: another's is at its own address."""
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or municipality_of(hearing) != terms.context().municipality_id:
        abort(404, description=_l("There is no such hearing."))
    return hearing


def question_or_404(question_id):
    question = db.session.get(HearingQuestion, question_id)
    if question is None or municipality_of(question) != terms.context().municipality_id:
        abort(404, description=_l("There is no such question."))
    return question


def at_question(question):
    return url_for("hearings.show", hearing_id=question.hearing_id,
                   _anchor=f"pregunta-{question.id}")


@bp.get("/audiencias")
@cached(HEARINGS)
def index():
    coming, past = service.hearings_of(terms.context())
    return render_template("hearings/index.html", coming=coming, past=past)


def schedule_form(plan):
    form = HearingForm()
    quarters = list(reversed(plan_quarters(plan)))
    form.first_quarter.choices = form.last_quarter.choices = quarters
    return form


@bp.route("/audiencias/nueva", methods=["GET", "POST"])
@requires("schedule_hearing")
@once
def schedule():
    plan = newest_plan(terms.context())  # hearings account for the term in office
    form = schedule_form(plan)
    if form.validate_on_submit():
        with refusal_shown(form, form.place):
            hearing = service.schedule(current_user, plan, form.held_at.data, form.place.data,
                                       form.first_quarter.data, form.last_quarter.data,
                                       form.questions_until.data)
            flash(_l("The hearing is scheduled; residents may send their questions until "
                     "the deadline."), "success")
            return redirect(url_for("hearings.show", hearing_id=hearing.id))
    return form_page("hearings/schedule.html", form)


@bp.get("/audiencias/<int:hearing_id>")
@cached(HEARINGS)
def show(hearing_id):
    return render_hearing(hearing_or_404(hearing_id))


def render_hearing(hearing, status=200, ask_form=None, answer_form=None, answering=None):
    """The hearing's page; the views of its forms call it to show their errors in place.
    A form is built only for who may send it (see ``portal.views.goal_page.GoalPage``)."""
    asking = can("ask_question") and service.open_for_questions(hearing)
    refusal = None
    if ask_form is not None and not asking:  # closed meanwhile: the reason, without the form
        refusal, ask_form = ask_form.body.errors, None
    return render_template(
        "hearings/show.html", hearing=hearing, plan=hearing.plan, now=utcnow(),
        questions=hearing.questions,
        ask_form=(ask_form or question_form(current_user)) if asking else None,
        asked=service.questions_by(current_user, hearing) if asking else 0,
        answer_form=(answer_form or AnswerForm()) if can("answer_question") else None,
        answering=answering, refusal=refusal,
        hide_form=HideQuestionForm() if can("moderate") else None,
        acta_form=ActaForm() if can("schedule_hearing") else None,
    ), status


@bp.post("/audiencias/<int:hearing_id>/preguntas")
@asking_limits
@requires("ask_question")
@once
def ask(hearing_id):
    hearing = hearing_or_404(hearing_id)
    form = question_form(current_user)
    if form.validate_on_submit():
        with refusal_shown(form, form.body):
            question = service.ask(current_user, hearing, form.body.data, form.goal.data,
                                   form.committee.data)
            flash(_l("Your question is published; the municipality will answer it in writing."),
                  "success")
            return redirect(at_question(question))
    return render_hearing(hearing, 400, ask_form=form)


@bp.post("/preguntas/<int:question_id>/respuesta")
@requires("answer_question")
@once
def answer(question_id):
    question = question_or_404(question_id)
    form = AnswerForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.body):
            service.answer(current_user, question, form.body.data)
            flash(_l("The answer is published under the question."), "success")
            return redirect(at_question(question))
    return render_hearing(question.hearing, 400, answer_form=form, answering=question.id)


@bp.post("/preguntas/<int:question_id>/ocultar")
@requires("moderate")
@once
def hide(question_id):
    question = question_or_404(question_id)
    ensure("moderate_question", question)
    form = HideQuestionForm()
    if form.validate_on_submit():
        try:
            service.hide(current_user, question, form.reason.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_l("The question is hidden."), "success")
    return redirect(at_question(question))


@bp.post("/preguntas/<int:question_id>/mostrar")
@requires("moderate")
def restore(question_id):
    question = question_or_404(question_id)
    ensure("moderate_question", question)
    try:
        service.restore(current_user, question)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_l("The question is shown again."), "success")
    return redirect(at_question(question))


@bp.post("/audiencias/<int:hearing_id>/acta")
@requires("schedule_hearing")
def attach_acta(hearing_id):
    hearing = hearing_or_404(hearing_id)
    form = ActaForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.file):
            service.attach_acta(hearing, form.file.data.read())
            flash(_l("The acta is published with the hearing."), "success")
            return redirect(url_for("hearings.show", hearing_id=hearing.id))
    flash(" ".join(str(message) for message in form.file.errors), "error")
    return redirect(url_for("hearings.show", hearing_id=hearing.id, _anchor="acta"))


@bp.get("/audiencias/<int:hearing_id>/acta.pdf")
def acta(hearing_id):
    hearing = hearing_or_404(hearing_id)
    if hearing.acta_key is None or not storage().exists(hearing.acta_key):
        abort(404, description=_l("The acta of this hearing has not been published yet."))
    with storage().open(hearing.acta_key) as handle:
        data = handle.read()
    filename = f"acta-audiencia-{local(hearing.held_at):%Y-%m-%d}.pdf"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "X-Content-Type-Options": "nosniff"})


@bp.get("/audiencias/<int:hearing_id>/resumen")
@cached(HEARINGS, REPORTS, RATINGS, OBSERVATIONS)
def summary(hearing_id):
    hearing = hearing_or_404(hearing_id)
    terms.enter(hearing.plan)
    plan = plan_tree(terms.context())
    return render_template("hearings/summary.html", hearing=hearing, plan=plan,
                           summary=service.summary(hearing, plan),
                           now=utcnow())
