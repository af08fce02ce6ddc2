"""The citizen thread: comments, ratings, reports of comments, observations, moderation."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.feedback import (CommentForm, EditCommentForm, FlagForm, ModerationForm, ObservationForm,
                            RatingForm, ReplyForm, ResponseForm)
from models import (Comment, DeliveryCheck, Flag, Goal, Hearing, HearingQuestion,
                    ModerationAction, Observation, Plan, Report, ReportRevision, db)
from models.cache import MODERATION
from portal.limits import per_address_and
from portal.views.goal_page import GoalPage
from portal.views.lookups import goal_or_404
from portal.page_cache import cached
from portal.views.pages import form_page, refusal_shown
from portal.permissions import ensure, moderation_scope, plan_of, requires
from portal.services import DomainError, SentAgain
from portal.services import feedback as service
from portal.services import moderation, observations, ratings
from portal.services import notifications
from portal import terms
from portal.services.plan import goals_of_municipality, of_municipality
from portal.terms import goal_url, municipality_url
from portal.transactions import once
from portal.translation import lazy_gettext as _l

bp = Blueprint("feedback", __name__)


def account_key():
    return f"account:{current_user.get_id()}"


def posting_limits(what, setting="COMMENT_LIMIT"):
    """Posting is limited per account and per address."""
    return per_address_and(setting, account_key, what)


def follow_what_one_joins(goal):
    """Commenting on, rating or observing a goal follows it; the page offers to undo."""
    if notifications.follow(current_user, "goal", goal.id):
        flash(_l("You now follow goal %(code)s: you will be told of its reports and of the "
                 "answers to you.", code=goal.code), f"followed:{goal.code}")


def comment_or_404(comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, description=_l("That comment does not exist."))
    return comment


def back_to(comment):
    return goal_url(comment.goal, _anchor=f"comentario-{comment.id}")


@bp.post("/metas/<code>/comentarios")
@posting_limits(_l("comments"))
@requires("comment")
@once
def post(code):
    goal = goal_or_404(code, full=False)  # a write needs the goal, not its record
    form = CommentForm()
    if form.validate_on_submit():
        stars = form.stars.data or None
        try:
            comment = service.post_comment(current_user, goal, form.body.data, stars)
        except SentAgain as again:
            flash(again.message, "info")
            return redirect(back_to(again.earlier))
        except DomainError as error:
            form.body.errors.append(error.message)
        else:
            flash(_l("Your comment is published."), "success")
            follow_what_one_joins(goal)
            return redirect(back_to(comment))
    return GoalPage(goal, comment_form=form).render(400)


@bp.route("/comentarios/<int:comment_id>/responder", methods=["GET", "POST"])
@posting_limits(_l("replies"))
@requires("comment")
@once
def reply(comment_id):
    parent = comment_or_404(comment_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            comment = service.post_comment(current_user, parent.goal, form.body.data,
                                           parent_id=parent.id)
        except SentAgain as again:
            flash(again.message, "info")
            return redirect(back_to(again.earlier))
        except DomainError as error:
            form.body.errors.append(error.message)
        else:
            flash(_l("Your reply is published."), "success")
            return redirect(back_to(comment))
    return form_page("feedback/reply.html", form, parent=parent)


@bp.post("/metas/<code>/calificacion")
@posting_limits(_l("ratings"), "RATING_LIMIT")
@requires("rate")
@once
def rate(code):
    goal = goal_or_404(code, full=False)  # a write needs the goal, not its record
    form = RatingForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.stars):
            stars = ratings.rate(current_user, goal, form.stars.data)
            flash(_l("Your rating (%(num)s of 5) is recorded; it replaces any earlier one.",
                     num=stars), "success")
            follow_what_one_joins(goal)
            return redirect(url_for("plan.goal", code=goal.code, _anchor="calificacion"))
    return GoalPage(goal, rating_form=form).render(400)


@bp.route("/comentarios/<int:comment_id>/editar", methods=["GET", "POST"])
@requires("change_own_comment")
def edit(comment_id):
    comment = comment_or_404(comment_id)
    ensure("change_own_comment", comment)
    form = EditCommentForm(data={"body": comment.body} if request.method == "GET" else None)
    if not service.editable(comment, current_user):
        flash(_l("This comment can no longer be edited."), "error")
        return redirect(back_to(comment))
    if form.validate_on_submit():
        with refusal_shown(form, form.body):
            service.edit_comment(current_user, comment, form.body.data)
            flash(_l("Your comment is updated."), "success")
            return redirect(back_to(comment))
    return form_page("feedback/edit.html", form, comment=comment)


@bp.post("/comentarios/<int:comment_id>/eliminar")
@requires("change_own_comment")
def delete(comment_id):
    comment = comment_or_404(comment_id)
    ensure("change_own_comment", comment)
    service.delete_comment(current_user, comment)
    flash(_l("Your comment is deleted."), "success")
    return redirect(goal_url(comment.goal, _anchor="comentarios"))


@bp.route("/comentarios/<int:comment_id>/reportar", methods=["GET", "POST"])
@requires("flag_comment")
@once
def flag(comment_id):
    comment = comment_or_404(comment_id)
    form = FlagForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.reason):
            moderation.flag_comment(current_user, comment, form.reason.data)
            flash(_l("Thank you: the committee watching this goal will review the comment."),
                  "success")
            return redirect(back_to(comment))
    return form_page("feedback/flag.html", form, comment=comment)


@bp.route("/comentarios/<int:comment_id>/moderar", methods=["GET", "POST"])
@requires("moderate_goal")
@once
def moderate(comment_id):
    comment = comment_or_404(comment_id)
    ensure("moderate_goal", comment.goal)
    form = ModerationForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.reason):
            if request.form.get("action") == "restore":
                moderation.restore_comment(current_user, comment, form.note.data)
                flash(_l("The comment is visible again."), "success")
            else:
                moderation.hide_comment(current_user, comment, form.reason.data, form.note.data)
                flash(_l("The comment is hidden; its author is told why."), "success")
            return redirect(municipality_url("feedback.queue", plan_of(comment)))
    return form_page("feedback/moderate.html", form, comment=comment,
                     flags=moderation.reports_of(comment))


def awaiting_decision(model, column, query):
    """Comments or checks reported since their last decision, latest report first, kept to
    the goals of the request's municipality (the reader's: ``moderate``) and, unless they
    are an admin, to those their committees oversee."""
    query = (query.join(Flag, column == model.id)
             .where(db.or_(model.decided_at.is_(None), Flag.created_at > model.decided_at),
                    goal_id_of(model).in_(goals_of_municipality(terms.context())))
             .group_by(model.id).order_by(db.func.max(Flag.created_at).desc()))
    objective_ids = moderation_scope(current_user)
    if objective_ids is not None:
        query = query.where(goal_id_of(model).in_(
            select(Goal.id).where(Goal.objective_id.in_(objective_ids))))
    return query


def goal_id_of(model):
    if model is Comment:
        return Comment.goal_id
    return (select(Report.goal_id).join(ReportRevision, ReportRevision.report_id == Report.id)
            .where(ReportRevision.id == DeliveryCheck.revision_id).scalar_subquery())


@bp.get("/moderacion")
@requires("moderate")
def queue():
    comments = awaiting_decision(Comment, Flag.comment_id, select(Comment).where(
        Comment.deleted_at.is_(None)).options(selectinload(Comment.goal),
                                              selectinload(Comment.author)))
    reported_checks = awaiting_decision(DeliveryCheck, Flag.check_id, select(
        DeliveryCheck).options(selectinload(DeliveryCheck.user),
        selectinload(DeliveryCheck.revision).selectinload(ReportRevision.report)
        .selectinload(Report.goal)))
    # Both lists turn their pages together, under the one ``page`` of the address.
    page = db.paginate(comments, per_page=50, error_out=False)
    checks_page = db.paginate(reported_checks, per_page=50, error_out=False)
    return render_template("feedback/queue.html", page=page, checks_page=checks_page)


@bp.get("/moderacion/registro")
@cached(MODERATION)
def log():
    """Every decision on what was said about the municipality's goals and in its hearings."""
    context = terms.context()
    goals = goals_of_municipality(context)
    page = db.paginate(select(ModerationAction).where(db.or_(
        ModerationAction.comment_id.in_(select(Comment.id).where(Comment.goal_id.in_(goals))),
        ModerationAction.check_id.in_(select(DeliveryCheck.id).where(
            goal_id_of(DeliveryCheck).in_(goals))),
        ModerationAction.question_id.in_(select(HearingQuestion.id).join(
            Hearing, HearingQuestion.hearing_id == Hearing.id).where(Hearing.plan_id.in_(
                of_municipality(select(Plan.id), context))))))
        .order_by(ModerationAction.id.desc()).options(
        selectinload(ModerationAction.committee),
        selectinload(ModerationAction.comment).selectinload(Comment.goal),
        selectinload(ModerationAction.check).selectinload(DeliveryCheck.revision)
        .selectinload(ReportRevision.report).selectinload(Report.goal),
        selectinload(ModerationAction.question).options(selectinload(HearingQuestion.hearing),
                                                        selectinload(HearingQuestion.goal))),
        per_page=50, error_out=False)
    return render_template("feedback/log.html", page=page)


@bp.post("/metas/<code>/observaciones")
@posting_limits(_l("observations"))
@requires("observe_goal")
@once
def observe(code):
    goal = goal_or_404(code, full=False)  # a write needs the goal, not its record
    ensure("observe_goal", goal)
    form = ObservationForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.body):
            observation = observations.post_observation(current_user, goal, form.committee.data,
                                                   form.kind.data, form.body.data,
                                                   form.evidence_url.data)
            flash(_l("The observation is published; the municipality will be asked to answer."),
                  "success")
            follow_what_one_joins(goal)
            return redirect(url_for("plan.goal", code=goal.code,
                                    _anchor=f"observacion-{observation.id}"))
    return GoalPage(goal, observation_form=form).render(400)


@bp.post("/observaciones/<int:observation_id>/respuesta")
@requires("respond_observation")
@once
def respond(observation_id):
    observation = db.session.get(Observation, observation_id)
    if observation is None:
        abort(404)
    form = ResponseForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.body):
            observations.respond(current_user, observation, form.body.data)
            flash(_l("The answer is published under the observation."), "success")
            return redirect(goal_url(observation.goal, _anchor=f"observacion-{observation.id}"))
    return GoalPage(observation.goal, response_form=form,
                    answering=observation.id).render(400)
