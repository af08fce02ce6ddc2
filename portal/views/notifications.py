"""Following goals, objectives, dimensions and committees; one's notifications."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.notifications import email_settings_form
from models import FOLLOW_KINDS
from portal import terms
from portal.extensions import csrf
from portal.labels import followed_name
from portal.views.pages import form_page
from portal.permissions import can, plan_of, requires
from portal.services import DomainError
from portal.services import notifications as service
from portal.translation import lazy_gettext as _l

bp = Blueprint("notifications", __name__)

# Each kind of thing followed, and the page that shows it.
PAGES = {"goal": "plan.goal", "objective": "plan.objective", "dimension": "plan.dimension",
         "committee": "committees.show"}


def target_or_404(kind, code):
    target = service.target_of(kind, code, terms.context()) if kind in FOLLOW_KINDS else None
    if target is None:
        abort(404, description=_l("There is nothing to follow at this address."))
    return target


@bp.post("/seguir/<kind>/<code>")
@requires("follow")
def follow(kind, code):
    target = target_or_404(kind, code)
    if not can("follow", target):
        plan = plan_of(target)
        abort(400, description=_l("The %(start)s–%(end)s plan is archived: nothing more will "
                                  "happen to follow.", start=plan.period_start,
                                  end=plan.period_end))
    service.follow(current_user, kind, target.id)
    flash(_l("You follow %(what)s: you will be told what happens to it.",
             what=followed_name(kind, target)),
          "success")
    return redirect(url_for(PAGES[kind], code=target.code))


@bp.post("/dejar-de-seguir/<kind>/<code>")
@requires("follow")
def unfollow(kind, code):
    target = target_or_404(kind, code)
    service.unfollow(current_user, kind, target.id)
    flash(_l("You no longer follow %(what)s.", what=followed_name(kind, target)), "success")
    return redirect(url_for(PAGES[kind], code=target.code))


@bp.get("/notificaciones")
@requires("follow")
def inbox():
    return render_template("notifications/inbox.html", page=service.inbox(current_user))


@bp.post("/notificaciones/leidas")
@requires("follow")
def mark_read():
    service.mark_all_read(current_user)
    flash(_l("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/cuenta/avisos", methods=["GET", "POST"])
@requires("follow")
def settings():
    events = service.events_for(current_user)
    form = email_settings_form(events, service.cadences_of(current_user))
    if form.validate_on_submit():
        for event in events:
            service.set_cadence(current_user.id, event, form[event].data)
        flash(_l("Your e-mail settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return form_page("notifications/settings.html", form, events=events)


@bp.route("/avisos/baja/<token>", methods=["GET", "POST"])
@csrf.exempt  # one click from a mail program (RFC 8058): the signed token is the proof
@requires("public")
def unsubscribe(token):
    """Stop one kind of e-mail for one person, without signing in."""
    try:
        user, event = service.unsubscribe_target(token)
    except DomainError as error:
        return render_template("notifications/unsubscribe.html", error=error.message), 400
    if request.method == "POST":
        if event == service.DIGEST:
            service.stop_digest(user)
        else:
            service.set_cadence(user.id, event, "never")
    return render_template("notifications/unsubscribe.html", event=event,
                           done=request.method == "POST")
