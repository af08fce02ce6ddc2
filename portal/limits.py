"""Rate limits on forms: each one counted per address and per a second key."""
from flask import current_app

from portal.extensions import limiter
from portal.translation import lazy_gettext as _l


def accepted(response):
    """A form sent back with its errors (400) or refused is not counted: only what was taken."""
    return response.status_code < 400


def per_address_and(setting, key_func, what, deduct_when=accepted):
    """Limit POSTs to the rate in config[setting], per address and per ``key_func``.

    ``what`` names what is limited, for the 429 page ("comments"). ``deduct_when`` says
    which answers count: by default what was accepted, so that a reader sent back with an
    error can correct it and send it again.
    """
    def rate():
        return current_app.config[setting]

    def decorate(view):
        view = limiter.limit(rate, methods=["POST"], key_func=key_func,
                             deduct_when=deduct_when)(view)
        view = limiter.limit(rate, methods=["POST"], deduct_when=deduct_when)(view)
        view.what_is_limited = what
        return view
    return decorate


def what_is_limited(endpoint):
    """The name of what the view at ``endpoint`` limits, for the page that refuses one more."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "what_is_limited", None) or _l("requests")
