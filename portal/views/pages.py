"""What views answer with."""
from contextlib import contextmanager
from functools import cache

from flask import render_template
from werkzeug.local import LocalProxy

from forms import refuse
from portal.services import DomainError


def form_page(template, form, **context):
    """A page with its form: 200 when first shown, 400 when the form came back with errors
    (the page shows them)."""
    failed = form.errors or form.form_errors
    return render_template(template, form=form, **context), 400 if failed else 200


def lazy(load):
    """What a page shows only in its parts kept in the cache: read the first time it is used,
    if ever."""
    return LocalProxy(cache(load))


@contextmanager
def refusal_shown(form, field=None):
    """Do what a form asks; a service's refusal (``DomainError``) is shown on the form, under
    the field it is about, or else under ``field``, or else above the form, and the view goes
    on to draw the form again (``form_page``)."""
    try:
        yield
    except DomainError as error:
        refuse(form, error, field)
