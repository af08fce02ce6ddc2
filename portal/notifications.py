"""Following goals, objectives, dimensions and committees; one's notifications."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from models import FOLLOW_KINDS
from portal.permissions import requires
from portal.services import notifications as service
from portal.translation import lazy_gettext as _l

bp = Blueprint("notifications", __name__)

# Each kind of thing followed, and the page that shows it.
PAGES = {"goal": "plan.goal", "objective": "plan.objective", "dimension": "plan.dimension",
         "committee": "committees.show"}


def target_or_404(kind, code):
    target = service.target_of(kind, code) if kind in FOLLOW_KINDS else None
    if target is None:
        abort(404, description=_l("There is nothing to follow at this address."))
    return target


@bp.post("/seguir/<kind>/<code>")
@requires("follow")
def follow(kind, code):
    target = target_or_404(kind, code)
    service.follow(current_user, kind, target.id)
    flash(_l("You follow %(code)s: you will be told what happens to it.", code=target.code),
          "success")
    return redirect(url_for(PAGES[kind], code=target.code))


@bp.post("/dejar-de-seguir/<kind>/<code>")
@requires("follow")
def unfollow(kind, code):
    target = target_or_404(kind, code)
    service.unfollow(current_user, kind, target.id)
    flash(_l("You no longer follow %(code)s.", code=target.code), "success")
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
