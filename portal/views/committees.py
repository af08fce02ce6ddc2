"""Vigilance committees: who they are, what they watch; admins change their scope."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models.base import utcnow
from models.cache import ACCOUNTS, OBSERVATIONS
from portal import terms
from portal.views.lookups import following
from portal.page_cache import cached
from portal.permissions import requires
from portal.services import DomainError
from portal.services.committees import all_committees, committee_by_code, set_scope
from portal.services.observations import pending_observations
from portal.services.plan import plan_tree
from portal.translation import lazy_gettext as _l

bp = Blueprint("committees", __name__, url_prefix="/comites")


@bp.get("/")
@cached(OBSERVATIONS, ACCOUNTS)
def index():
    return render_template("committees/index.html", committees=all_committees())


def committee_or_404(code):
    committee = committee_by_code(code)
    if committee is None:
        abort(404, description=_l("There is no committee with the code %(code)s.", code=code))
    return committee


@bp.get("/<code>")
@cached(OBSERVATIONS, ACCOUNTS)
def show(code):
    committee = committee_or_404(code)
    if code != committee.code:
        return redirect(url_for("committees.show", code=committee.code), 301)
    return render_template("committees/show.html", committee=committee,
                           pending=pending_observations(committee), now=utcnow(),
                           following=following("committee", committee))


@bp.route("/<code>/alcance", methods=["GET", "POST"])
@requires("manage_committees")
def scope(code):
    committee = committee_or_404(code)
    plan = plan_tree(terms.context())
    if request.method == "POST":
        try:
            changed = set_scope(current_user, committee, request.form.getlist("objectives"))
        except DomainError as error:
            flash(error.message, "error")
            return render_template("committees/scope.html", committee=committee, plan=plan,
                                   chosen=request.form.getlist("objectives")), 400
        flash(_l("Changes saved.") if changed else _l("Nothing to change."), "success")
        return redirect(url_for("committees.show", code=committee.code))
    return render_template("committees/scope.html", committee=committee, plan=plan,
                           chosen=[o.code for o in committee.objectives])
