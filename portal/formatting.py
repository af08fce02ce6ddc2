"""Numbers, money and dates in the reader's language."""
from babel.numbers import format_currency
from flask_babel import format_decimal, get_locale


def soles(value):
    """"S/ 1,250,000.50" in Spanish (es_PE), "PEN1,250,000.50" in English."""
    if value is None:
        return ""
    return format_currency(value, "PEN", locale=get_locale())


def number(value):
    return format_decimal(value, format="#,##0.##")


def is_link(source):
    return source.startswith(("https://", "http://"))
