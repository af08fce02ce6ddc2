"""Vigilance committees: who they are, what they watch; admins change their scope."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.committees import CommitteeForm
from models.base import utcnow
from models.cache import ACCOUNTS, OBSERVATIONS
from portal import terms
from portal.views.lookups import following
from portal.page_cache import cached
from portal.permissions import requires
from portal.services import DomainError
from portal.services.committees import (all_committees, committee_by_code, create_committee,
                                        set_scope)
from portal.services.observations import pending_observations
from portal.services.plan import plan_tree
from portal.translation import lazy_gettext as _l
from portal.views.pages import form_page, refusal_shown

bp = Blueprint("committees", __name__, url_prefix="/comites")


@bp.get("/")
@cached(OBSERVATIONS, ACCOUNTS)
def index():
    return render_template("committees/index.html", committees=all_committees(terms.context()))


@bp.route("/nuevo", methods=["GET", "POST"])
@requires("manage_committees")
def create():
    """A municipality's admin creates one of its committees; its members are given it on
    their accounts (``admin.account``)."""
    form = CommitteeForm()
    plan = plan_tree(terms.context())
    if plan is None:
        abort(404)
    form.offer(plan)
    if form.validate_on_submit():
        with refusal_shown(form):
            committee = create_committee(current_user, terms.context(), form.code.data or "",
                                         form.name.data or "", form.description.data or "",
                                         form.objectives.data)
            flash(_l("The committee %(code)s is created. Give it members from their "
                     "accounts.", code=committee.code), "success")
            return redirect(url_for("committees.show", code=committee.code))
    return form_page("committees/new.html", form)


def committee_or_404(code):
    committee = committee_by_code(code, terms.context())
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
            changed = set_scope(current_user, committee, request.form.getlist("objectives"),
                                terms.context())
        except DomainError as error:
            flash(error.message, "error")
            return render_template("committees/scope.html", committee=committee, plan=plan,
                                   chosen=request.form.getlist("objectives")), 400
        flash(_l("Changes saved.") if changed else _l("Nothing to change."), "success")
        return redirect(url_for("committees.show", code=committee.code))
    return render_template("committees/scope.html", committee=committee, plan=plan,
                           chosen=[o.code for o in committee.objectives])
