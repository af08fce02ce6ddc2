"""Translatable strings that stay text until they are shown.

Flask-Babel's lazy strings tell Jinja they are already safe HTML, so a message holding
what a visitor typed (an unknown code, a quarter) would be shown unescaped. These escape
themselves instead: a message is always text.
"""
from flask_babel import gettext, ngettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class LazyText(LazyString):
    def __html__(self):
        return escape(str(self))


def lazy_gettext(string, **variables):
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular, plural, num, **variables):
    """The singular or plural form for ``num``, which the message reads as %(num)s."""
    return LazyText(ngettext, singular, plural, num, **variables)
