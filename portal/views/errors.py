"""Error pages in the reader's language; JSON errors for the API."""
import io
import math
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, jsonify, make_response, render_template, request, url_for
from flask_babel import format_timedelta
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import (BadRequest, HTTPException, InternalServerError,
                                 RequestEntityTooLarge, TooManyRequests)

from models import db
from portal.extensions import limiter
from portal.formatting import number
from portal.views.i18n import safe_next
from portal.limits import what_is_limited
from portal.services import DomainError
from portal.translation import lazy_gettext as _l

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    410: _l("This is no longer here"),
    413: _l("What you sent is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The portal is not available right now"),
}
DEFAULT_MESSAGES = {
    400: _l("Go back, check what you sent and try again."),
    403: _l("Your account does not have permission for this page or action."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("This address does not take that kind of request. Go back and use the page's own "
            "links and buttons."),
    410: _l("What was here has been removed."),
    500: _l("The error has been recorded. Please try again in a few minutes."),
    503: _l("Please try again in a few minutes."),
}


def wants_json():
    return request.path.startswith("/api/v")


def too_large_message():
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    sent = request.content_length
    if sent is not None and sent <= limit:
        # Under the size of a request, over the size of the text fields (MAX_FORM_MEMORY_SIZE).
        return _l("A text you sent is far longer than any field of the portal takes. Nothing "
                  "was saved: go back and shorten it.")
    return _l("The portal takes at most %(size)s MB in one sending, files included. Nothing was "
              "saved: go back and send smaller or fewer files.", size=number(limit / 2**20))


def back_link():
    """The page the reader came from when it is on this site, else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.scheme in ("http", "https") and referrer.netloc == request.host:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return url_for("plan.home")


def seconds_until_reset():
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def rate_limit_message(seconds):
    """What was limited, and when the reader may try again, rounded up to a whole unit."""
    for unit in (3600, 60):
        if seconds >= unit * 2:
            wait = timedelta(seconds=math.ceil(seconds / unit) * unit)
            break
    else:
        wait = timedelta(seconds=seconds)
    return _l("You have reached the limit of %(what)s for now. You can try again %(when)s.",
              what=what_is_limited(request.endpoint),
              when=format_timedelta(wait, threshold=2, add_direction=True))


def render_error(error):
    status = error.code or 500
    own_description = error.description != type(error).description
    message = error.description if own_description else DEFAULT_MESSAGES.get(status, "")
    headers = [(name, value) for name, value in error.get_headers()
               if name.lower() != "content-type"]  # Allow on a 405, say; not its plain type
    title = TITLES.get(status, error.name)
    if wants_json():  # a page's advice is no answer to a program: its own message, or the title
        return jsonify({"error": {"status": status, "message": str(
            message if own_description else title)}}), status, headers
    return render_template("errors/error.html", status=status, title=title, message=message,
                           back=back_link()), status, headers


def set_aside_unread_body():
    """A body refused unread (too large) is no body: the page that says so would read it
    again (the CSRF check, the layout's forms) and fail with the same error."""
    request.__dict__.update(stream=io.BytesIO(), form=ImmutableMultiDict(),
                            files=ImmutableMultiDict())


# What the database raises when it is down or unreachable, at any statement or the commit.
DATABASE_AWAY = (OperationalError, InterfaceError)


def database_unavailable(error):
    """The database is down or unreachable: say so, and recover once it is back
    (pool_pre_ping replaces the dead connections). Also answers a request whose commit it
    refused (``app.commit_once``), which no error handler sees."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.invalidate()
    current_app.logger.error("Database unavailable on %s: %s", request.path, error)
    # The reader is loaded from the database: the page that says it is away is drawn for a
    # visitor (Flask-Login keeps the request's user in g._login_user).
    g._login_user = current_app.login_manager.anonymous_user()
    if wants_json():
        response = jsonify({"error": {"status": 503, "message": str(TITLES[503])}})
    else:
        response = render_template("errors/unavailable.html")
    return make_response(response, 503, {"Retry-After": "60"})


def register(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        set_aside_unread_body()
        return render_error(RequestEntityTooLarge(description=too_large_message()))

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        seconds = seconds_until_reset()
        return render_error(TooManyRequests(description=rate_limit_message(seconds),
                                            retry_after=seconds))

    @app.errorhandler(CSRFError)
    def expired_form(error):
        return render_error(BadRequest(description=_l(
            "The form expired or did not come from this portal. Go back, reload the page and "
            "send it again; nothing was saved.")))

    @app.errorhandler(DomainError)
    def refused(error):
        """A rule of the portal refused what a view did not expect to be refused (a comment
        on an archived plan, say): its message, and nothing written."""
        db.session.rollback()
        return render_error(BadRequest(description=error.message))

    for away in DATABASE_AWAY:
        app.register_error_handler(away, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(InternalServerError())
