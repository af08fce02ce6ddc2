"""Pure parsers: they read files and return plain data, never touching the database."""
from pathlib import Path

from portal.translation import lazy_gettext as _l

from .plan_json import parse_plan_json
from .plan_text import parse_plan_text
from .structure import PlanFormatError


def parse_plan_file(path):
    """Read a plan from its extracted text or its canonical JSON, told apart by content."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlanFormatError(path.name, _l(
            "the file is not UTF-8 text (byte %(offset)s); save it as UTF-8 and try again",
            offset=error.start)) from None
    if not text.strip():
        raise PlanFormatError(path.name, _l("the file is empty"))
    if text.lstrip().startswith("{"):
        return parse_plan_json(text, path.name)
    return parse_plan_text(text, path.name)


__all__ = ["PlanFormatError", "parse_plan_file", "parse_plan_json", "parse_plan_text"]
