"""The second factor of officials and admins: TOTP, with single-use recovery codes."""
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select

from models import RecoveryCode, db
from models.base import utcnow
from portal.translation import lazy_gettext as _l

from . import DomainError
from .accounts import audit, end_other_sessions

RECOVERY_CODES = 10


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                               issuer_name=current_app.config["TOTP_ISSUER"])


def qr_code(uri):
    """The enrolment QR code, drawn on the server, as a data: URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _accepted_step(secret, code, last_step):
    """The time step whose code this is (this one, or one either side), or None.

    A step already used, or older, is refused: a code works once.
    """
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in (now - 1, now, now + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _code(text):
    return "".join((text or "").split()).replace("-", "").lower()


def _hash(code):
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user):
    """Replace the user's recovery codes; the plain codes are shown once, never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def remaining_recovery_codes(user):
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def unconfirmed_secret(user):
    """The secret an enrolling user scans; kept until confirmed, so that an attempt that
    fails or is interrupted leaves what the phone already holds valid."""
    if user.totp_secret is None:
        user.totp_secret = new_secret()
    return user.totp_secret


def enable(user, code):
    """Turn the second factor on once the user proves the app shows the right codes."""
    step = _accepted_step(user.totp_secret, _code(code), None)
    if step is None:
        raise DomainError(_l("That code is not right. Check the time on your phone and type "
                             "the 6 digits the app shows now."))
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    return new_recovery_codes(user)


def is_last_code(user, code):
    """The code the user was last let in with: what a form sent twice carries again."""
    return (user.totp_last_step is not None and hmac.compare_digest(
        pyotp.TOTP(user.totp_secret).generate_otp(user.totp_last_step), _code(code)))


def verify(user, code):
    """A code from the app, or one of the recovery codes; each works once."""
    code = _code(code)
    if code.isdigit() and len(code) == 6:
        step = _accepted_step(user.totp_secret, code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return "totp"
    elif len(code) == 10:
        recovery = db.session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None)))
        if recovery is not None:
            recovery.used_at = utcnow()
            return "recovery"
    raise DomainError(_l("That code is not right, or it was already used."))


def reset(actor, user):
    """An admin clears someone's second factor (a lost phone); they enrol again."""
    if user.totp_enabled_at is None:
        return False
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_other_sessions(user)
    audit(actor, "second_factor_reset", user.email)
    return True
