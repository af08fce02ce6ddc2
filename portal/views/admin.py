"""Administration: accounts and the audit log."""
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from forms.accounts import AccountAdminForm
from models import AuditEntry, User, db
from portal.context import Context
from portal.permissions import ensure, requires
from portal.services import DomainError
from portal.services import accounts as service
from portal.services import second_factor
from portal.services.committees import all_committees
from portal.translation import lazy_gettext as _l
from portal.views.pages import form_page, refusal_shown

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.get("/cuentas")
@requires("manage_accounts")
def accounts():
    # The residents, and the staff of the admin's own municipality.
    query = select(User).where((User.role == "resident") | User.municipality_id.is_not_distinct_from(
        current_user.municipality_id)).order_by(User.role.desc(), User.display_name).options(
        selectinload(User.committees))
    search = request.args.get("q", "").strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(db.or_(db.func.lower(User.email).like(pattern),
                                   db.func.lower(User.display_name).like(pattern)))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/accounts.html", page=page, search=search)


def account_or_404(user_id):
    """An account the admin manages (``manage_account``): a resident's, or their own
    municipality's staff."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    ensure("manage_account", user)
    return user


@bp.route("/cuentas/<int:user_id>", methods=["GET", "POST"])
@requires("manage_accounts")
def account(user_id):
    user = account_or_404(user_id)
    form = AccountAdminForm(obj=None if request.method == "POST" else user)
    # The committees of the admin's own municipality.
    own = Context(municipality_id=current_user.municipality_id)
    form.committees.choices = [SelectChoice(c.code, f"{c.code} — {c.name}")
                               for c in all_committees(own)]
    if request.method == "GET":
        form.committees.data = [c.code for c in user.committees]
    if form.validate_on_submit():
        with refusal_shown(form):
            changed = service.update_account(current_user, user, form.role.data,
                                             form.committees.data)
            flash(_l("Changes saved.") if changed else _l("Nothing to change."), "success")
            return redirect(url_for("admin.account", user_id=user.id))
    return form_page("admin/account.html", form, user=user)


@bp.post("/cuentas/<int:user_id>/activo")
@requires("manage_accounts")
def set_active(user_id):
    user = account_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        service.set_active(current_user, user, active)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.account", user_id=user.id))
    flash(_l("The account is active again.") if active else
          _l("The account has been deactivated; its contributions stay."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/cuentas/<int:user_id>/segundo-factor")
@requires("manage_accounts")
def reset_second_factor(user_id):
    user = account_or_404(user_id)
    if second_factor.reset(current_user, user):
        flash(_l("The second factor is reset: the account will set it up again at its next "
                 "sign-in."), "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.get("/auditoria")
@requires("read_audit_log")
def audit_log():
    # The admin's own municipality's log.
    page = db.paginate(select(AuditEntry).where(AuditEntry.municipality_id.is_not_distinct_from(
        current_user.municipality_id)).order_by(AuditEntry.id.desc()).options(
        selectinload(AuditEntry.actor)), per_page=PAGE_SIZE, error_out=False)
    entries = [(entry, json.loads(entry.details or "{}")) for entry in page.items]
    return render_template("admin/audit_log.html", page=page, entries=entries)
