"""Units of work: what a request may write, and forms that must act once.

The request commits once (``app.commit_once``); SQLite needs to know at the start of that
transaction whether it may write (``models.base.configure_engine``).
"""
from functools import wraps

from flask import (current_app, flash, has_app_context, has_request_context, make_response,
                   redirect, request, url_for)
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.services import submissions

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def around_commits(*listener_sets):
    """Listen to every session's commits with each set of listeners (event name → function),
    in the order given: for one event, the first set's listener runs first. Once per process,
    however many apps are built."""
    for listeners in listener_sets:
        for name, listener in listeners.items():
            if not event.contains(Session, name, listener):
                event.listen(Session, name, listener)
REDIRECTS = (301, 302, 303)


def writes_on_get(view):
    """Mark a view that writes although it answers GET (a link followed from an e-mail)."""
    view.writes_on_get = True
    return view


def writes_expected():
    """Any request but a plain read may write; so may the command line and jobs, which run
    in an application context. A connection opened outside the application (a test's own)
    begins deferred."""
    if not has_request_context():
        return has_app_context()
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "writes_on_get", False)


def once(view):
    """A signed-in user's form (``forms.SubmitOnceForm``) that acts once.

    A double click or a form sent again from the browser's history is answered with the
    first sending's result instead of a second comment, report or error page.
    """
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return view(*args, **kwargs)
        submission, earlier = submissions.claim(current_user.id, request.form.get("once"))
        if earlier is not None:
            flash(submissions.SENT_BEFORE, "info")
            return redirect(earlier.result_url or url_for("plan.home"))
        response = make_response(view(*args, **kwargs))
        if submission is not None and response.status_code in REDIRECTS:
            submission.result_url = response.location
        return response

    return guarded
