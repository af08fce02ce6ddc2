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
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from models import ROLES, AuditEntry, Committee, User, UserSession, db
from models.accounts import aware, utcnow
from portal.mail import send_mail
from portal.translation import lazy_gettext as _l

from . import DomainError
from .notifications import unread_count

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


def user_for_reset(token):
    """The account a mailed reset link is for, while the link is valid and unused."""
    invalid = DomainError(_l("This link is not valid, or it was already used. Ask for a new "
                             "one."))
    try:
        data = _serializer("reset-password").loads(
            token, max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except SignatureExpired:
        raise DomainError(_l("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise invalid from None
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
    db.session.execute(delete(UserSession).where(UserSession.token == token))


def end_other_sessions(user, keep_token=None):
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.token != (keep_token or "")))


# A live session, its user and their unread notifications: built once, for every request
# of a signed-in reader runs it (building it again took half its time).
SESSION_USER = (select(UserSession, unread_count(UserSession.user_id))
                .where(UserSession.token == bindparam("token"))
                .options(joinedload(UserSession.user)))


def load_session_user(token):
    """Flask-Login's loader: the user of a live session, or None."""
    found = db.session.execute(SESSION_USER, {"token": token}).first()
    if found is None or not found[0].user.is_active:
        return None
    session, unread = found
    session.user.unread_notifications = unread
    now = utcnow()
    last_seen = aware(session.last_seen_at)
    if now - last_seen > IDLE_LIMIT[session.user.role]:
        db.session.delete(session)
        return None
    if now - last_seen > LAST_SEEN_PRECISION:
        _touch(session, now)
    session.user.session_token = token
    return session.user


def _touch(session, now):
    """Note the session's use. A page that only reads does this on the side: on SQLite it
    may find another write under way, and then the next request notes it instead."""
    try:
        with db.session.begin_nested():
            session.last_seen_at = now
    except OperationalError:
        pass


def change_password(user, current_password, new_password):
    try:
        hasher().verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise DomainError(_l("The current password is not right.")) from None
    check_password(new_password, user.role)
    user.password_hash = hasher().hash(new_password)
    end_other_sessions(user, keep_token=user.session_token)


def committees_by_code(codes):
    committees = db.session.scalars(select(Committee).where(Committee.code.in_(codes))).all()
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
                             "nombre@ejemplo.pe.", email=email)) from None
    if not MIN_NAME_LENGTH <= len(display_name) <= MAX_NAME_LENGTH:
        raise DomainError(_l("The name must have between %(min)s and %(max)s characters.",
                             min=MIN_NAME_LENGTH, max=MAX_NAME_LENGTH))


def create_user(email, display_name, role, password, committee_codes=()):
    """An account made by the municipality: confirmed at once."""
    email = normalise_email(email)
    display_name = " ".join(display_name.split())
    check_identity(email, display_name)
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s", role=role))
    if user_by_email(email) is not None:
        raise DomainError(_l("There is already an account with the e-mail %(email)s.",
                             email=email))
    committees = committees_by_code(committee_codes)
    check_role_and_committees(role, committees)
    check_password(password, role)
    user = User(email=email, display_name=display_name, role=role,
                password_hash=hasher().hash(password), confirmed_at=utcnow(),
                committees=committees)
    db.session.add(user)
    db.session.flush()
    return user


def check_role_and_committees(role, committees):
    if role == "moderator" and not committees:
        raise DomainError(_l("A moderator must belong to at least one committee."))


def audit(actor, action, subject, **details):
    """Record an admin action; ``details`` are stored as JSON and shown translated."""
    db.session.add(AuditEntry(actor=actor, action=action, subject=subject,
                              details=json.dumps(details, ensure_ascii=False, sort_keys=True)))


def update_account(actor, user, role, committee_codes):
    """An admin changes someone's role and committees; recorded in the audit log."""
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s", role=role))
    if user.id == actor.id and role != "admin":
        raise DomainError(_l("You cannot take away your own admin role."))
    committees = committees_by_code(committee_codes)
    check_role_and_committees(role, committees)
    before = (user.role, sorted(c.code for c in user.committees))
    after = (role, sorted(c.code for c in committees))
    if before == after:
        return False
    user.role, user.committees = role, committees
    audit(actor, "account_updated", user.email, role_before=before[0], role_after=after[0],
          committees_before=before[1], committees_after=after[1])
    if before[0] != role:
        end_other_sessions(user, keep_token=actor.session_token if user.id == actor.id else None)
    return True


def set_active(actor, user, active):
    if user.id == actor.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    if active == (user.deactivated_at is None):
        return False
    user.deactivated_at = None if active else utcnow()
    if not active:
        end_other_sessions(user)
    audit(actor, "account_reactivated" if active else "account_deactivated", user.email)
    return True

