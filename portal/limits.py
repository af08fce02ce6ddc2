"""Rate limits on forms: each one counted per address and per a second key."""
from flask import current_app

from portal.extensions import limiter


def per_address_and(setting, key_func, deduct_when=None):
    """Limit POSTs to the rate in config[setting], per address and per ``key_func``.

    ``deduct_when`` counts only some answers (failed sign-ins, say); the answer past the
    limit is the 429 page in the reader's language.
    """
    def rate():
        return current_app.config[setting]

    def decorate(view):
        view = limiter.limit(rate, methods=["POST"], key_func=key_func,
                             deduct_when=deduct_when)(view)
        return limiter.limit(rate, methods=["POST"], deduct_when=deduct_when)(view)
    return decorate
