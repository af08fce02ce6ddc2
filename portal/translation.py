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


# Figures and dates read as in Peru ("60.5 %", "S/ 1,250.50", "2:21 p. m."), not as in
# Spain; the Spanish catalog serves es_PE all the same, Babel falling back from es_PE to es.
FORMATTING_LOCALES = {"es": "es_PE"}


def formatting_locale(language):
    """The Babel locale a language's figures, dates and times are written in."""
    return FORMATTING_LOCALES.get(language, language)


def language_of(cookies, config):
    """The interface language a reader chose (its cookie), else the portal's default."""
    chosen = cookies.get(config["LANGUAGE_COOKIE"])
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
