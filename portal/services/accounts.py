"""Accounts: registration, sign-in, server-side sessions, and what admins change."""
import gzip
import hashlib
import json
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from models import (ROLES, AuditEntry, Comment, Committee, Delivery, DeliveryCheck,
                    Dimension, Follow, Goal, HearingQuestion, Notification,
                    NotificationSetting, Objective, Rating, RecoveryCode, Report,
                    ReportRevision, Submission, User, UserSession, db)
from models.base import aware, utcnow
from models.cache import (CHECKS, HEARINGS, READERS_NOTED, addresses_of_first,
                          addresses_of_goal, goal_scope, note_change, note_readers,
                          thread_scope)
from portal.jobs import job, later
from portal.mail import send_mail
from portal.translation import formatting_locale
from portal.translation import lazy_gettext as _l

from . import DomainError
from .municipalities import municipality_by_address, staff_municipality
from .notifications import cadences_of, unread_count

# argon2id with the library's defaults (memory-hard, tuned by its maintainers) unless the
# config says otherwise: the tests use cheap parameters to stay fast.
_hashers = {}
_unknown_user_hashes = {}


def hasher():
    params = tuple(sorted((current_app.config.get("ARGON2_PARAMETERS") or {}).items()))
    if params not in _hashers:
        _hashers[params] = PasswordHasher(**dict(params))
    return _hashers[params]


MIN_PASSWORD_LENGTH = {"resident": 10, "moderator": 10, "official": 15, "admin": 15}
MAX_PASSWORD_LENGTH = 256
MIN_NAME_LENGTH, MAX_NAME_LENGTH = 2, 80
# How long a signed-in browser may stay idle before it must sign in again.
IDLE_LIMIT = {
    "resident": timedelta(days=30),
    "moderator": timedelta(days=30),
    "official": timedelta(minutes=30),
    "admin": timedelta(minutes=30),
}
LAST_SEEN_PRECISION = timedelta(minutes=1)
CONFIRMATION_MAX_AGE = 2 * 24 * 3600
COMMON_PASSWORDS = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt.gz"


def unknown_user_hash():
    """Verified against when the e-mail is unknown, so that both answers take as long."""
    current = hasher()
    if current not in _unknown_user_hashes:
        _unknown_user_hashes[current] = current.hash(secrets.token_urlsafe(16))
    return _unknown_user_hashes[current]


@lru_cache(maxsize=1)
def common_passwords():
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().casefold() for line in handle if line.strip())


def normalise_email(email):
    return (email or "").strip().lower()


def password_problems(password, role="resident"):
    """What is wrong with a new password, as translatable messages (empty when fine)."""
    minimum = MIN_PASSWORD_LENGTH[role]
    if len(password) < minimum:
        return [_l("The password must have at least %(number)s characters.", number=minimum)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_l("The password may have at most %(number)s characters.",
                   number=MAX_PASSWORD_LENGTH)]
    if password.casefold() in common_passwords() or len(set(password)) < 4:
        return [_l("This password is too common or too easy to guess. Choose another one.")]
    return []


def check_password(password, role):
    problems = password_problems(password, role)
    if problems:
        raise DomainError(problems[0])


def _serializer(purpose="confirm-email"):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(email, display_name, password):
    """Create an unconfirmed account and mail its confirmation link.

    When the address already has an account, its owner is told by e-mail instead, and the
    caller sees the same outcome: the form never reveals which addresses are registered.
    """
    email = normalise_email(email)
    check_password(password, "resident")
    existing = user_by_email(email)
    if existing is not None:
        send_mail(email, _l("Your account on the accountability portal"), _l(
            "Someone, perhaps you, tried to register this address again. You already have an "
            "account; if it was not you, you can ignore this message. To sign in:\n\n%(url)s",
            url=url_for("accounts.sign_in", _external=True)))
        return None
    user = User(email=email, display_name=display_name.strip(), role="resident",
                password_hash=hasher().hash(password))
    db.session.add(user)
    db.session.flush()
    token = _serializer().dumps({"user": user.id, "email": email})
    send_mail(email, _l("Confirm your account on the accountability portal"), _l(
        "Welcome, %(name)s. To activate your account, open this link within two days:\n\n"
        "%(url)s", name=user.display_name,
        url=url_for("accounts.confirm", token=token, _external=True)))
    return user


def confirm(token):
    try:
        data = _serializer().loads(token, max_age=CONFIRMATION_MAX_AGE)
    except SignatureExpired:
        raise DomainError(_l("This confirmation link has expired. Register again to get a "
                             "new one.")) from None
    except BadSignature:
        raise DomainError(_l("This confirmation link is not valid.")) from None
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        raise DomainError(_l("This confirmation link is not valid."))
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


def _password_stamp(user):
    """Changes with the password, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email):
    """Mail a link to choose a new password; the caller answers the same whoever asks."""
    user = user_by_email(email)
    if user is None or user.deactivated_at is not None:
        return
    token = _serializer("reset-password").dumps(
        {"user": user.id, "stamp": _password_stamp(user)})
    send_mail(user.email, _l("Choose a new password for the accountability portal"), _l(
        "If you did not ask for a new password, ignore this message: yours stays as it is. "
        "To choose a new one, open this link within an hour:\n\n%(url)s",
        url=url_for("accounts.reset_password", token=token, _external=True)))


def invite(user, municipality_name):
    """Mail the first admin of a municipality a link to choose their password: valid as long
    as a confirmation link, and once (``user_for_reset``)."""
    token = _serializer("reset-password").dumps(
        {"user": user.id, "stamp": _password_stamp(user), "invited": True})
    send_mail(user.email, _l("You administer %(municipality)s on the accountability portal",
                             municipality=municipality_name), _l(
        "An account of administrator of %(municipality)s was made for you on the "
        "accountability portal. To choose your password, open this link within two days:"
        "\n\n%(url)s\n\nYou will then set up a second factor with an authenticator app.",
        municipality=municipality_name,
        url=url_for("accounts.reset_password", token=token, _external=True)))


def user_for_reset(token):
    """The account a mailed reset link is for, while the link is valid and unused: an
    invitation's for as long as a confirmation link, any other's for
    ``PASSWORD_RESET_SECONDS``."""
    invalid = DomainError(_l("This link is not valid, or it was already used. Ask for a new "
                             "one."))
    expired = DomainError(_l("This link has expired. Ask for a new one."))
    try:
        data, signed_at = _serializer("reset-password").loads(
            token, max_age=CONFIRMATION_MAX_AGE, return_timestamp=True)
    except SignatureExpired:
        raise expired from None
    except BadSignature:
        raise invalid from None
    if not data.get("invited") and (utcnow() - aware(signed_at)).total_seconds() > \
            current_app.config["PASSWORD_RESET_SECONDS"]:
        raise expired
    user = db.session.get(User, data.get("user"))
    if user is None or user.deactivated_at is not None or \
            data.get("stamp") != _password_stamp(user):
        raise invalid
    return user


def reset_password(user, new_password):
    """Set the new password chosen from a reset link; every session of the account ends."""
    check_password(new_password, user.role)
    user.password_hash = hasher().hash(new_password)
    if user.confirmed_at is None:  # the link reached the address: it is confirmed too
        user.confirmed_at = utcnow()
    end_other_sessions(user)
    return user


def authenticate(email, password):
    """The user with these credentials, or a DomainError that says nothing about the e-mail."""
    user = user_by_email(email)
    try:
        hasher().verify(user.password_hash if user else unknown_user_hash(), password)
        matches = user is not None
    except (VerificationError, InvalidHashError):
        matches = False
    if not matches:
        raise DomainError(_l("The e-mail or the password is not right."))
    if user.deactivated_at is not None:
        raise DomainError(_l("This account has been deactivated. Write to the municipality "
                             "if you think this is a mistake."))
    if user.confirmed_at is None:
        raise DomainError(_l("Confirm your e-mail address first: we sent you a link when "
                             "you registered."))
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return user


def start_session(user, language=None):
    """A signed-in browser; the language it uses is the one e-mails are written in."""
    token = secrets.token_urlsafe(32)
    if language and user.language != language:
        user.language = language
    db.session.add(UserSession(token=token, user_id=user.id))
    user.session_token = token
    return token


def end_session(token):
    ended = db.session.execute(
        delete(UserSession).where(UserSession.token == token).returning(UserSession.user_id),
        execution_options=READERS_NOTED)
    note_readers(db.session, ended.scalars().all())


def end_other_sessions(user, keep_token=None):
    note_readers(db.session, [user.id])
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.token != (keep_token or "")),
        execution_options=READERS_NOTED)


# A live session, its user and their unread notifications: built once, for every request
# of a signed-in reader runs it (building it again took half its time).
SESSION_USER = (select(UserSession, unread_count(UserSession.user_id))
                .where(UserSession.token == bindparam("token"))
                .options(joinedload(UserSession.user)))


class WritesNeeded(Exception):
    """Loading a session's user would write: the session ended, or its use noted."""


def load_session_user(token, writes=True):
    """Flask-Login's loader: the user of a live session, or None. ``writes=False``: where the
    request may not write, WritesNeeded when loading them would."""
    found = db.session.execute(SESSION_USER, {"token": token}).first()
    if found is None or not found[0].user.is_active:
        return None
    session, unread = found
    session.user.unread_notifications = unread
    now = utcnow()
    last_seen = aware(session.last_seen_at)
    if now - last_seen > LAST_SEEN_PRECISION and not writes:
        raise WritesNeeded
    if now - last_seen > IDLE_LIMIT[session.user.role]:
        db.session.delete(session)
        return None
    if now - last_seen > LAST_SEEN_PRECISION:
        _touch(session, now)
    session.user.session_token = token
    session.user.session_seen_at = aware(session.last_seen_at)
    return session.user


def _touch(session, now):
    """Note the session's use. A page that only reads does this on the side: on SQLite it
    may find another write under way, and then the next request notes it instead."""
    try:
        with db.session.begin_nested():
            session.last_seen_at = now
    except OperationalError:
        pass


def check_current_password(user, password):
    try:
        hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise DomainError(_l("The current password is not right.")) from None


def change_password(user, current_password, new_password):
    check_current_password(user, current_password)
    check_password(new_password, user.role)
    user.password_hash = hasher().hash(new_password)
    end_other_sessions(user, keep_token=user.session_token)


def committees_by_code(codes, municipality_id=None):
    """Committees of one municipality (None: the first published), by code; an unknown
    one refuses them all."""
    committees = db.session.scalars(select(Committee).where(
        Committee.code.in_(codes),
        Committee.municipality_id.is_not_distinct_from(municipality_id))).all()
    unknown = sorted(set(codes) - {c.code for c in committees})
    if unknown:
        raise DomainError(_l("Unknown committee: %(codes)s", codes=", ".join(unknown)))
    return committees


def check_identity(email, display_name):
    """The address and name of an account made outside the registration form."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_l("“%(email)s” is not a valid e-mail address; write one such as "
                             "nombre@ejemplo.pe.", email=email), field="email") from None
    if not MIN_NAME_LENGTH <= len(display_name) <= MAX_NAME_LENGTH:
        raise DomainError(_l("The name must have between %(min)s and %(max)s characters.",
                             min=MIN_NAME_LENGTH, max=MAX_NAME_LENGTH), field="display_name")


def create_user(email, display_name, role, password, committee_codes=(), municipality_id=None,
                national=False):
    """An account made by the municipality: confirmed at once. A staff account serves
    ``municipality_id`` (None: the municipality first published); a resident's is
    national, and so is a ``national`` admin's, who serves no municipality."""
    email = normalise_email(email)
    display_name = " ".join(display_name.split())
    check_identity(email, display_name)
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s", role=role))
    if user_by_email(email) is not None:
        raise DomainError(_l("There is already an account with the e-mail %(email)s.",
                             email=email), field="email")
    committees = committees_by_code(committee_codes, municipality_id)
    check_role_and_committees(role, committees)
    if national and (role != "admin" or municipality_id is not None or committees):
        raise DomainError(_l("A national admin has the role admin, and no municipality or "
                             "committee."))
    check_password(password, role)
    user = User(email=email, display_name=display_name, role=role,
                password_hash=hasher().hash(password), confirmed_at=utcnow(),
                committees=committees, national=national,
                municipality_id=None if role == "resident" else municipality_id)
    db.session.add(user)
    db.session.flush()
    return user


def check_role_and_committees(role, committees):
    if role == "moderator" and not committees:
        raise DomainError(_l("A moderator must belong to at least one committee."))


def audit(actor, action, subject, on_log_of=None, **details):
    """Record an admin action; ``details`` are stored as JSON and shown translated. It is on
    the log of the actor's municipality, or of ``on_log_of`` (a national admin's action on
    a municipality)."""
    municipality_id = on_log_of if on_log_of is not None else (
        actor.municipality_id if actor else None)
    db.session.add(AuditEntry(actor=actor, action=action, subject=subject,
                              municipality_id=municipality_id,
                              details=json.dumps(details, ensure_ascii=False, sort_keys=True)))


def appoint_admin(actor, address, email, display_name):
    """A national admin gives the municipality at ``address`` (or ubigeo) an administrator:
    an account serving it, confirmed, with a password nobody knows until the link mailed
    to them (``invite``) sets theirs. On that municipality's audit log."""
    if not (address or "").strip():
        raise DomainError(_l("Write the municipality's address or ubigeo."), field="municipality")
    try:
        serving = staff_municipality(address.strip().lower())
    except DomainError as error:
        raise DomainError(error.message, field="municipality") from None
    municipality = municipality_by_address(address.strip().lower())
    user = create_user(email or "", display_name or "", "admin", secrets.token_urlsafe(32),
                       municipality_id=serving)
    audit(actor, "admin_appointed", user.email, on_log_of=municipality.id if serving else None,
          municipality=municipality.title)
    db.session.flush()
    invite(user, municipality.title)
    return user


def update_account(actor, user, role, committee_codes):
    """An admin changes someone's role and committees; recorded in the audit log."""
    check_not_erased(user)
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s", role=role))
    if user.id == actor.id and role != "admin":
        raise DomainError(_l("You cannot take away your own admin role."))
    committees = committees_by_code(committee_codes, actor.municipality_id)
    check_role_and_committees(role, committees)
    before = (user.role, sorted(c.code for c in user.committees))
    after = (role, sorted(c.code for c in committees))
    if before == after:
        return False
    user.role, user.committees = role, committees
    # A resident made staff serves the admin's municipality; staff made resident, none.
    user.municipality_id = None if role == "resident" else actor.municipality_id
    audit(actor, "account_updated", user.email, role_before=before[0], role_after=after[0],
          committees_before=before[1], committees_after=after[1])
    if before[0] != role:
        end_other_sessions(user, keep_token=actor.session_token if user.id == actor.id else None)
    return True


def check_not_erased(user):
    if user.erased_at is not None:
        raise DomainError(_l("This account was deleted by its owner: it cannot be changed or "
                             "restored."))


def set_active(actor, user, active):
    check_not_erased(user)
    if user.id == actor.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    if active == (user.deactivated_at is None):
        return False
    user.deactivated_at = None if active else utcnow()
    if not active:
        end_other_sessions(user)
    audit(actor, "account_reactivated" if active else "account_deactivated", user.email)
    return True



# One's own data (Ley 29733): the name, the address, what one follows, a copy, erasure.

EMAIL_CHANGE_MAX_AGE = CONFIRMATION_MAX_AGE


class SameEmail(DomainError):
    """The address asked for is the one the account already has."""



def _signed_pages_changed(user):
    """The pages that show the person's name with what they wrote are drawn again."""
    commented = db.session.execute(
        select(Goal.id, Goal.code).join(Comment, Comment.goal_id == Goal.id)
        .where(Comment.author_id == user.id).distinct()).all()
    for goal_id, code in commented:
        note_change(db.session, thread_scope(code),
                    wheres=addresses_of_goal(db.session, goal_id))
    checked = db.session.execute(
        select(Goal.id, Goal.code).join(Report, Report.goal_id == Goal.id)
        .join(ReportRevision, ReportRevision.report_id == Report.id)
        .join(DeliveryCheck, DeliveryCheck.revision_id == ReportRevision.id)
        .where(DeliveryCheck.user_id == user.id).distinct()).all()
    for goal_id, code in checked:  # their names are on the goals' pages and the open data
        note_change(db.session, CHECKS, goal_scope(code),
                    wheres=addresses_of_goal(db.session, goal_id))
    if db.session.scalar(select(HearingQuestion.id).where(HearingQuestion.author_id == user.id)
                         .limit(1)) is not None:
        note_change(db.session, HEARINGS, wheres=addresses_of_first(db.session))


def change_display_name(user, display_name):
    display_name = " ".join(display_name.split())
    if not MIN_NAME_LENGTH <= len(display_name) <= MAX_NAME_LENGTH:
        raise DomainError(_l("The name must have between %(min)s and %(max)s characters.",
                             min=MIN_NAME_LENGTH, max=MAX_NAME_LENGTH))
    if display_name == user.display_name:
        return False
    user.display_name = display_name
    _signed_pages_changed(user)
    return True


def request_email_change(user, password, new_email):
    """Mail a link to the new address; the address changes only when it is opened. The old
    address is told, so that a stolen session cannot take the account quietly."""
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise SameEmail(_l("This is already the e-mail of your account."))
    check_current_password(user, password)
    later(mail_email_change, user.id, new_email)
    return new_email


def _email_token(user, new_email):
    # The current address is in it: once the change is made, the link works no more.
    return _serializer("change-email").dumps(
        {"user": user.id, "from": user.email, "to": new_email})


@job
def mail_email_change(user_id, new_email):
    """The link to confirm a new address, and a word to the old one; in the person's
    language, the links to the public portal."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["PORTAL_URL"]), \
            force_locale(formatting_locale(user.language or app.config["BABEL_DEFAULT_LOCALE"])):
        if user_by_email(new_email) is not None:
            # As on registering: the person asking learns nothing of whose address it is.
            send_mail(new_email, _l("Your account on the accountability portal"), _l(
                "Someone asked to move an account of the accountability portal to this "
                "address, but it already belongs to an account, so nothing was changed. If "
                "it was not you, you can ignore this message."))
        else:
            send_mail(new_email, _l("Confirm your new e-mail on the accountability portal"), _l(
                "Hello, %(name)s. To use this address for your account, open this link within "
                "two days:\n\n%(url)s\n\nUntil then your account keeps its current address.",
                name=user.display_name, url=url_for("accounts.confirm_email_change",
                                                    token=_email_token(user, new_email),
                                                    _external=True)))
        send_mail(user.email, _l("A change of e-mail was asked for your account"), _l(
            "Hello, %(name)s. Someone signed in to your account asked to change its e-mail to "
            "%(email)s. It changes only if the link sent there is opened. If it was not you, "
            "change your password now:\n\n%(url)s",
            name=user.display_name, email=new_email,
            url=url_for("accounts.account", _external=True)))


def confirm_email_change(token):
    invalid = DomainError(_l("This link is not valid, or it was already used."))
    try:
        data = _serializer("change-email").loads(token, max_age=EMAIL_CHANGE_MAX_AGE)
    except SignatureExpired:
        raise DomainError(_l("This link has expired. Ask for the change again from your "
                             "account.")) from None
    except BadSignature:
        raise invalid from None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.is_active or user.email != data.get("from"):
        raise invalid
    if user_by_email(data["to"]) is not None:
        raise DomainError(_l("That address already belongs to another account."))
    user.email = data["to"]
    return user


# What can be followed, how it is fetched, and how it is named on the list of follows.
FOLLOWED_MODELS = {"goal": Goal, "objective": Objective, "dimension": Dimension,
                   "committee": Committee}


def followed(user):
    """What the user follows, oldest first: (follow, the goal, objective, dimension or
    committee). A follow whose target is gone is left out."""
    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                                 .order_by(Follow.created_at, Follow.id)).all()
    targets = {}
    for kind, model in FOLLOWED_MODELS.items():
        ids = [f.target_id for f in follows if f.kind == kind]
        if ids:
            targets.update({(kind, t.id): t for t in db.session.scalars(
                select(model).where(model.id.in_(ids)))})
    return [(f, targets[f.kind, f.target_id]) for f in follows
            if (f.kind, f.target_id) in targets]


def unfollow_by_id(user, follow_id):
    """Stop following; only one's own follows. Returns whether there was one."""
    note_readers(db.session, [user.id])
    found = db.session.execute(delete(Follow).where(Follow.id == follow_id,
                                                    Follow.user_id == user.id),
                               execution_options=READERS_NOTED)
    return found.rowcount > 0


def _when(moment):
    return aware(moment).isoformat() if moment is not None else None


def own_data(user):
    """Everything the portal keeps about the person, as plain data (one JSON file)."""
    comments = db.session.execute(
        select(Comment, Goal.code).join(Goal, Goal.id == Comment.goal_id)
        .where(Comment.author_id == user.id).order_by(Comment.created_at, Comment.id)).all()
    ratings = db.session.execute(
        select(Rating, Goal.code).join(Goal, Goal.id == Rating.goal_id)
        .where(Rating.user_id == user.id).order_by(Goal.code)).all()
    checks = db.session.scalars(
        select(DeliveryCheck).where(DeliveryCheck.user_id == user.id)
        .order_by(DeliveryCheck.created_at, DeliveryCheck.id)).all()
    questions = db.session.scalars(
        select(HearingQuestion).where(HearingQuestion.author_id == user.id)
        .order_by(HearingQuestion.created_at, HearingQuestion.id)).all()
    return {
        "account": {
            "display_name": user.display_name, "email": user.email, "role": user.role,
            "committees": [c.code for c in user.committees], "language": user.language,
            "created_at": _when(user.created_at), "confirmed_at": _when(user.confirmed_at),
            "second_factor": user.totp_enabled_at is not None,
        },
        "comments": [{
            "id": c.id, "goal": code, "reply_to": c.parent_id, "body": c.body, "stars": c.stars,
            "created_at": _when(c.created_at), "edited_at": _when(c.edited_at),
            "deleted_at": _when(c.deleted_at), "hidden_at": _when(c.hidden_at),
            "hidden_reason": c.hidden_reason} for c, code in comments],
        "ratings": [{"goal": code, "stars": r.stars, "created_at": _when(r.created_at),
                     "updated_at": _when(r.updated_at)} for r, code in ratings],
        "checks": [{
            "goal": c.revision.report.goal.code, "quarter": c.revision.report.quarter,
            "answer": c.answer, "comment": c.comment, "place": c.place,
            "photos": [{"caption": e.caption, "taken_on": e.taken_on.isoformat(),
                        "sha256": e.sha256} for e in c.evidence],
            "created_at": _when(c.created_at), "updated_at": _when(c.updated_at)}
            for c in checks],
        "hearing_questions": [{
            "hearing": _when(q.hearing.held_at), "goal": q.goal.code if q.goal else None,
            "body": q.body, "created_at": _when(q.created_at), "answer": q.answer,
            "answered_at": _when(q.answered_at), "hidden_at": _when(q.hidden_at)}
            for q in questions],
        "follows": [{"kind": f.kind, "code": target.code, "since": _when(f.created_at)}
                    for f, target in followed(user)],
        "notification_settings": cadences_of(user),
    }


def erase_account(user, password, keep_contributions, reason):
    """Delete one's account (Ley 29733): every session ends; the e-mail, the name, follows,
    notifications and their deliveries go. The person's comments and questions are removed,
    or stay signed as a deleted account; ratings and answers to "did you see it?" stay
    counted without a name. What officials and committee members did in office (reports,
    answers, observations, moderation) stays on the record, under the office or committee.
    ``reason`` is what withdrawn photos say, in the reader's language."""
    check_not_erased(user)
    check_current_password(user, password)
    now = utcnow()
    if not keep_contributions:
        _remove_contributions(user, now, reason)
    _signed_pages_changed(user)
    notifications = select(Notification.id).where(Notification.user_id == user.id)
    db.session.execute(delete(Delivery).where(Delivery.notification_id.in_(notifications)))
    note_readers(db.session, [user.id])
    for model in (Notification, NotificationSetting, Follow, RecoveryCode, Submission,
                  UserSession):
        db.session.execute(delete(model).where(model.user_id == user.id),
                           execution_options=READERS_NOTED)
    erased_email = f"{user.id}@cuenta-eliminada.invalid"
    db.session.execute(update(AuditEntry).where(AuditEntry.subject == user.email)
                       .values(subject=erased_email))
    user.email = erased_email
    user.display_name = ""
    user.password_hash = "!"  # no password verifies against it
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = user.language = None
    user.committees = []
    user.erased_at = user.deactivated_at = now


def _remove_contributions(user, now, reason):
    for comment in db.session.scalars(select(Comment).where(Comment.author_id == user.id)):
        comment.body = ""
        comment.deleted_at = comment.deleted_at or now
    for question in db.session.scalars(select(HearingQuestion)
                                       .where(HearingQuestion.author_id == user.id)):
        if question.answer is None and question.decided_at is None:
            db.session.delete(question)
        else:  # the answer, or the moderation log, is on the record; the question's text goes
            question.body = ""
    for check in db.session.scalars(select(DeliveryCheck).where(DeliveryCheck.user_id == user.id)):
        check.comment = check.place = None
        for photo in check.evidence:
            if photo.withdrawn_at is None:
                photo.withdrawn_at, photo.withdrawn_reason = now, str(reason)
                photo.withdrawn_by_id = user.id
