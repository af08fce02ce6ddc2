"""The interface language: Spanish by default, English on request, remembered in a cookie."""
import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, has_request_context, redirect, request, url_for
from flask_babel import get_locale

from portal.translation import formatting_locale, language_of

bp = Blueprint("i18n", __name__)

LANGUAGE_NAMES = {"es": "Español", "en": "English"}

def chosen_language():
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return language_of(request.cookies, current_app.config)


def select_locale():
    return formatting_locale(chosen_language())


def current_language():
    """The interface language ("es", "en"), whatever country its figures follow."""
    return get_locale().language


def language_choices():
    """The other languages, each with the link that switches to it and returns here."""
    current = current_language()
    back = request.full_path.rstrip("?")
    return [
        {"code": code, "name": LANGUAGE_NAMES[code],
         "url": url_for("i18n.switch", code=code, next=back)}
        for code in current_app.config["LANGUAGES"] if code != current
    ]


def safe_next(target):
    """Only a path on this site, else the home page: never send a reader elsewhere through
    an address taken from the request. Control characters are refused too: no header may
    carry a line break, and browsers drop tabs and line breaks from an address, so that a
    tab between two slashes would lead to another site."""
    target = target or ""
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(unicodedata.category(c) in ("Cc", "Cf") for c in target)):
        return url_for("plan.home")
    return target


@bp.get("/idioma/<code>")
def switch(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"], code,
        max_age=current_app.config["LANGUAGE_COOKIE_MAX_AGE"],
        httponly=True, samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
