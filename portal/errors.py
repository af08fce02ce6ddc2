"""Error pages in the reader's language; JSON errors for the API."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from models import db
from portal.services import DomainError
from portal.translation import lazy_gettext as _l

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The portal is not available right now"),
}
DEFAULT_MESSAGES = {
    404: _l("The address may be mistyped, or the page may have moved."),
    500: _l("The error has been recorded. Please try again in a few minutes."),
}


def wants_json():
    return request.path.startswith("/api/v")


def render_error(error):
    status = error.code or 500
    own_description = error.description != type(error).description
    message = error.description if own_description else DEFAULT_MESSAGES.get(status, "")
    title = TITLES.get(status, error.name)
    if wants_json():
        return jsonify({"error": {"status": status, "message": str(message or title)}}), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def register(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error)

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

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """The database is down or unreachable: say so, and recover once it is back
        (pool_pre_ping replaces the dead connections)."""
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.invalidate()
        app.logger.error("Database unavailable on %s: %s", request.path, error)
        if wants_json():
            response = jsonify({"error": {"status": 503, "message": str(TITLES[503])}})
        else:
            response = render_template("errors/unavailable.html")
        return response, 503, {"Retry-After": "60"}

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(InternalServerError())
