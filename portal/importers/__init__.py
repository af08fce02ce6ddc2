"""Pure parsers: they read files and return plain data, never touching the database."""
from pathlib import Path

from portal.translation import lazy_gettext as _l

from .plan_jne import given_term, given_ubigeo, is_jne_document, parse_plan_jne
from .plan_json import parse_plan_json, plan_from_document, read_json
from .plan_text import parse_plan_text
from .structure import PlanFormatError


def parse_plan_file(path, ubigeo=None, term=None):
    """Read a plan from its extracted text, its canonical JSON or the JNE's JSON, told apart
    by content. ``ubigeo`` and ``term`` say the municipality and term where the file does
    not; where it does, they must agree with it."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlanFormatError(path.name, _l(
            "the file is not UTF-8 text (byte %(offset)s); save it as UTF-8 and try again",
            offset=error.start)) from None
    if not text.strip():
        raise PlanFormatError(path.name, _l("the file is empty"))
    if not text.lstrip().startswith("{"):
        return _given(parse_plan_text(text, path.name), ubigeo, term)
    document = read_json(text)
    if is_jne_document(document):
        return parse_plan_jne(document, path.name, ubigeo, term)
    return _given(plan_from_document(document, path.name), ubigeo, term)


def _given(plan, ubigeo, term):
    """A plan whose file says its term: the one given must be the same."""
    if ubigeo is not None:
        plan.ubigeo = given_ubigeo(ubigeo)
    if term is not None and given_term(term) != (plan.period_start, plan.period_end):
        raise PlanFormatError("--term", _l(
            "the file is the plan of %(said)s, not of %(given)s",
            said=f"{plan.period_start}-{plan.period_end}", given=term.strip()))
    return plan


__all__ = ["PlanFormatError", "parse_plan_file", "parse_plan_jne", "parse_plan_json",
           "parse_plan_text"]
