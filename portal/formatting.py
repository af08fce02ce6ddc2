"""Numbers, money and dates in the reader's language."""
from babel.numbers import format_currency
from flask_babel import format_decimal, get_locale

# Peruvian conventions for Spanish: "S/ 1,250.50".
MONEY_LOCALES = {"es": "es_PE", "en": "en_US"}


def soles(value):
    if value is None:
        return ""
    return format_currency(value, "PEN", locale=MONEY_LOCALES.get(str(get_locale()), "es_PE"))


def number(value):
    return format_decimal(value, format="#,##0.##")


def is_link(source):
    return source.startswith(("https://", "http://"))
