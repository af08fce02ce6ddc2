"""Registering, confirming, signing in and out, and one's own account."""
import json
import time

from flask import (Blueprint, current_app, flash, g, make_response, redirect,
                   render_template, request, session, url_for)
from flask_login import AnonymousUserMixin, current_user, login_user, logout_user

from forms.accounts import (DisplayNameForm, EmailChangeForm, EraseAccountForm,
                            PasswordChangeForm, PasswordResetForm, PasswordResetRequestForm,
                            RegisterForm, SecondFactorForm, SignInForm)
from models import User, db
from portal.views.i18n import current_language, safe_next
from portal.limits import per_address_and
from portal.views.notifications import PAGES as FOLLOWED_PAGES
from portal.views.pages import form_page, refusal_shown
from portal.permissions import needs_second_factor, requires
from portal.services import DomainError
from portal.services import accounts as service
from portal.services import second_factor, submissions
from portal.services.feedback import hidden_comments_of
from portal.transactions import writes_on_get
from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

bp = Blueprint("accounts", __name__)


class AnonymousUser(AnonymousUserMixin):
    """A visitor: the same interface as a user, with nothing granted."""

    id = None
    role = None
    committees = ()
    display_name = ""
    session_token = session_seen_at = None


def load_reader(token):
    """Flask-Login's loader: the reader of a live session. A page answered from the cache
    before the portal (``portal.page_cache.hits``) may not write: it says so in ``g``."""
    return service.load_session_user(token, writes=not g.get("reads_only"))


def submitted_email():
    return "email:" + service.normalise_email(request.form.get("email"))


def failed(response):
    return response.status_code == 401


def throttle_failures(key_func, what):
    """Failed attempts (answered 401) limited per address and per ``key_func``."""
    return per_address_and("SIGN_IN_LIMIT", key_func, what, deduct_when=failed)


@bp.route("/registro", methods=["GET", "POST"])
@per_address_and("REGISTER_LIMIT", submitted_email, _l("registrations"))
@requires("public")
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.password):
            service.register(form.email.data, form.display_name.data, form.password.data)
            return render_template("accounts/check_email.html", email=form.email.data)
    return form_page("accounts/register.html", form)


@bp.get("/confirmar/<token>")
@requires("public")
@writes_on_get
def confirm(token):
    try:
        service.confirm(token)
    except DomainError as error:
        return render_template("accounts/confirm_failed.html", message=error.message), 400
    flash(_l("Your account is active. You can sign in now."), "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/entrar", methods=["GET", "POST"])
@throttle_failures(submitted_email, _l("sign-in attempts"))
@requires("public")
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(error.message)
            return render_template("accounts/sign_in.html", form=form), 401
        next_url = safe_next(request.args.get("next"))
        if needs_second_factor(user):
            session["pending_sign_in"] = {"user": user.id, "at": time.time(), "next": next_url}
            return redirect(url_for("accounts.second_factor_step" if user.totp_enabled_at
                                    else "accounts.enrol_second_factor"))
        return complete_sign_in(user, next_url)
    return form_page("accounts/sign_in.html", form)


def complete_sign_in(user, next_url):
    session.pop("pending_sign_in", None)
    service.start_session(user, language=current_language())
    login_user(user)
    return redirect(next_url)


def pending_user():
    """The official or admin whose password was checked moments ago, or None."""
    pending = session.get("pending_sign_in")
    if not pending or time.time() - pending["at"] > current_app.config["SECOND_FACTOR_SECONDS"]:
        return None
    user = db.session.get(User, pending["user"])
    return user if user is not None and user.is_active else None


def pending_key():
    pending = session.get("pending_sign_in") or {}
    return f"second-factor:{pending.get('user')}"


def already_signed_in():
    """A second-factor form sent again once the sign-in it completes is done."""
    return redirect(url_for("plan.home")) if current_user.is_authenticated else None


@bp.route("/entrar/segundo-factor", methods=["GET", "POST"])
@throttle_failures(pending_key, _l("second-factor codes"))
@requires("public")
def second_factor_step():
    user = pending_user()
    if user is None or user.totp_enabled_at is None:
        return already_signed_in() or time_ran_out()
    form = SecondFactorForm()
    if form.validate_on_submit():
        submission, earlier = submissions.claim(user.id, form.once.data)
        if earlier is not None and second_factor.is_last_code(user, form.code.data):
            return complete_sign_in(user, earlier.result_url)
        try:
            used = second_factor.verify(user, form.code.data)
        except DomainError as error:
            form.code.errors.append(error.message)
            return render_template("accounts/second_factor.html", form=form), 401
        if used == "recovery":
            flash(_nl("You used a recovery code; %(num)s remains. Each works only once.",
                      "You used a recovery code; %(num)s remain. Each works only once.",
                      second_factor.remaining_recovery_codes(user)), "info")
        next_url = session["pending_sign_in"]["next"]
        if submission is not None:
            submission.result_url = next_url
        return complete_sign_in(user, next_url)
    return form_page("accounts/second_factor.html", form)


def time_ran_out():
    flash(_l("Sign in again: the time to give the second factor ran out."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/entrar/activar-segundo-factor", methods=["GET", "POST"])
@throttle_failures(pending_key, _l("second-factor codes"))
@requires("public")
@writes_on_get
def enrol_second_factor():
    user = pending_user()
    if user is None:
        return already_signed_in() or time_ran_out()
    form = SecondFactorForm()
    if user.totp_enabled_at is not None:
        # Confirmed by a first sending of this form, whose answer the browser dropped: the
        # codes it showed were never seen, so new ones replace them.
        submission, earlier = (submissions.claim(user.id, form.once.data)
                               if form.validate_on_submit() else (None, None))
        if earlier is None or not second_factor.is_last_code(user, form.code.data):
            return already_signed_in() or time_ran_out()
        complete_sign_in(user, earlier.result_url)
        return render_template("accounts/recovery_codes.html", replaced=True,
                               codes=second_factor.new_recovery_codes(user),
                               next_url=earlier.result_url)
    secret = second_factor.unconfirmed_secret(user)
    if form.validate_on_submit():
        submission, _earlier = submissions.claim(user.id, form.once.data)
        with refusal_shown(form, form.code):
            codes = second_factor.enable(user, form.code.data)
            next_url = session["pending_sign_in"]["next"]
            if submission is not None:
                submission.result_url = next_url
            complete_sign_in(user, next_url)
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   next_url=next_url)
    uri = second_factor.provisioning_uri(user, secret)
    return render_template("accounts/enrol.html", form=form, secret=secret,
                           qr=second_factor.qr_code(uri)), 401 if form.errors else 200


@bp.route("/clave/olvido", methods=["GET", "POST"])
@per_address_and("REGISTER_LIMIT", submitted_email, _l("password-reset requests"))
@requires("public")
def forgot_password():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("accounts/check_email.html", email=form.email.data,
                               resetting=True)
    return form_page("accounts/forgot_password.html", form)


@bp.route("/clave/nueva/<token>", methods=["GET", "POST"])
@throttle_failures(lambda: "reset:" + request.view_args.get("token", "")[:40],
                   _l("new passwords"))
@requires("public")
def reset_password(token):
    if request.method == "GET":
        try:
            service.user_for_reset(token)
        except DomainError as error:
            return render_template("accounts/reset_password.html", link_error=error.message), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            user = service.user_for_reset(token)
        except DomainError as error:
            form.form_errors.append(error.message)
            return render_template("accounts/reset_password.html", form=form), 401
        try:
            service.reset_password(user, form.new_password.data)
        except DomainError as error:
            form.new_password.errors.append(error.message)
            return render_template("accounts/reset_password.html", form=form), 400
        flash(_l("Your new password is set, and every session of your account was closed. "
                 "Sign in with it now."), "success")
        return redirect(url_for("accounts.sign_in"))
    return form_page("accounts/reset_password.html", form)


@bp.post("/salir")
@requires("manage_own_account")
def sign_out():
    service.end_session(current_user.session_token)
    logout_user()
    flash(_l("You have signed out."), "success")
    return redirect(url_for("plan.home"))


@bp.route("/cuenta", methods=["GET", "POST"])
@requires("manage_own_account")
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.new_password):
            service.change_password(current_user, form.current_password.data,
                                    form.new_password.data)
            flash(_l("Your password has been changed; your other sessions have been closed."),
                  "success")
            return redirect(url_for("accounts.account"))
    return account_page(form=form)


def account_page(**sent):
    """The account page, with the one form just sent (and its errors) and the others empty."""
    forms = {"form": PasswordChangeForm(formdata=None),
             "name_form": DisplayNameForm(formdata=None, prefix="name",
                                          display_name=current_user.display_name),
             "email_form": EmailChangeForm(formdata=None, prefix="email")} | sent
    return render_template("accounts/account.html",
                           hidden_comments=hidden_comments_of(current_user), **forms), \
        400 if any(form.errors for form in forms.values()) else 200


@bp.post("/cuenta/nombre")
@requires("manage_own_account")
def change_name():
    form = DisplayNameForm(prefix="name")
    if form.validate_on_submit():
        with refusal_shown(form, form.display_name):
            service.change_display_name(current_user, form.display_name.data)
            flash(_l("Your name is now “%(name)s”.", name=current_user.display_name), "success")
            return redirect(url_for("accounts.account"))
    return account_page(name_form=form)


@bp.post("/cuenta/correo")
@requires("manage_own_account")
def change_email():
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            new_email = service.request_email_change(current_user, form.password.data,
                                                     form.email.data)
        except service.SameEmail as error:
            form.email.errors.append(error.message)
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            flash(_l("We sent a link to %(email)s. Your e-mail changes when you open it; until "
                     "then it stays as it is.", email=new_email), "info")
            return redirect(url_for("accounts.account"))
    return account_page(email_form=form)


@bp.get("/cuenta/correo/<token>")
@requires("public")
@writes_on_get
def confirm_email_change(token):
    try:
        user = service.confirm_email_change(token)
    except DomainError as error:
        return render_template("accounts/confirm_failed.html", message=error.message,
                               title=_l("The e-mail was not changed"),
                               retry=(url_for("accounts.account"), _l("My account"))), 400
    flash(_l("Your e-mail is now %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/cuenta/seguimientos")
@requires("manage_own_account")
def follows():
    return render_template("accounts/follows.html", follows=service.followed(current_user),
                           pages=FOLLOWED_PAGES)


@bp.post("/cuenta/seguimientos/<int:follow_id>/dejar")
@requires("manage_own_account")
def unfollow(follow_id):
    # Sent twice (a double click, the browser's history), it was undone the first time.
    if service.unfollow_by_id(current_user, follow_id):
        flash(_l("You no longer follow it."), "success")
    else:
        flash(_l("You do not follow that."), "info")
    return redirect(url_for("accounts.follows"))


@bp.get("/cuenta/datos")
@requires("manage_own_account")
def download_data():
    response = make_response(json.dumps(service.own_data(current_user), ensure_ascii=False,
                                        indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="mis-datos.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cuenta/eliminar", methods=["GET", "POST"])
@requires("manage_own_account")
def erase_account():
    form = EraseAccountForm()
    if form.validate_on_submit():
        with refusal_shown(form, form.password):
            service.erase_account(current_user, form.password.data,
                                  keep_contributions=form.contributions.data == "keep",
                                  reason=_l("Removed when its author deleted their account."))
            logout_user()
            flash(_l("Your account is deleted."), "success")
            return redirect(url_for("plan.home"))
    return form_page("accounts/erase.html", form)


@bp.get("/privacidad")
@requires("public")
def privacy():
    return render_template("accounts/privacy.html")
