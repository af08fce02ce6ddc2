"""Plans as the JNE's electoral platforms serve them in JSON.

The summary of a plan de gobierno is ``datoGeneral`` (``idPlanGobierno``,
``txOrganizacionPolitica``, ``txTipoEleccion``, ``txProcesoElectoral`` …) and one array per
dimension, ``dimensionSocial``, ``dimensionEconomica``, ``dimensionAmbiental`` (or
``dimensionTerritorialAmbiental``) and ``dimensionInstitucional``, of items::

    {"idPlanGobDimension": 123, "idPgDimension": 1, "txPgProblema": "…",
     "txPgObjetivo": "…", "txPgIndicador": "…", "txPgMeta": "…"}

Each item is one row of the form the party filled: the same problem written again on the rows
below it is one problem, the same objective one objective (or an empty cell, as a merged one),
and a ``txPgMeta`` holding several bulleted lines or paragraphs is several goals, each carrying
the row's indicator. The municipality (its ubigeo) and the term come from the file when it says
them, otherwise from the command line.
"""
import re

from portal.translation import lazy_gettext as _l

from .plan_json import read_json
from .plan_text import clean, goal_pieces
from .structure import (DEMO_LABEL, ParsedDimension, ParsedGoal, ParsedObjective, ParsedPlan,
                        ParsedProblem, PlanFormatError, PlanWarning, check_plan, fold, goal_kind,
                        goal_target)

# The arrays of a plan, in the order the plan shows them: (key, idPgDimension, code, name).
DIMENSIONS = (
    ("dimensionSocial", 1, "S", "Social"),
    ("dimensionEconomica", 2, "E", "Económica"),
    ("dimensionAmbiental", 3, "A", "Ambiental"),
    ("dimensionTerritorialAmbiental", 3, "A", "Territorial-ambiental"),
    ("dimensionInstitucional", 4, "I", "Institucional"),
)
TEXTS = ("txPgProblema", "txPgObjetivo", "txPgIndicador", "txPgMeta")
UBIGEO = re.compile(r"^\d{6}$")
TERM = re.compile(r"^((?:19|20)\d\d)-((?:19|20)\d\d)$")
# A municipal election's year: its mayors take office on the first of January after it.
MUNICIPAL_ELECTION = re.compile(r"MUNICIPAL\w*\D*((?:19|20)\d\d)")
# A line starting a list entry when the meta is plain text: a dash, a star, a middle dot,
# an en dash, or an enumeration such as "1." "2)" "a)". A bare number ("05 Proyectos") is a
# quantity, never an enumeration.
LIST_MARK = re.compile(r"^\s*(?:[-*·–—•▪►]|\d{1,2}[.)]|[a-z][)])\s+")


def is_jne_document(document):
    return isinstance(document, dict) and isinstance(document.get("datoGeneral"), dict)


def meta_cell(text):
    """A txPgMeta written as plain text, in the shape ``goal_pieces`` reads: each list entry
    a bullet, each other line a paragraph, and a line starting in lower case the rest of the
    line before it (the form wraps long lines)."""
    lines = []
    for line in re.split(r"\r\n|\r|\n", text):
        if not line.strip():
            lines.append("")
            continue
        mark = LIST_MARK.match(line)
        if mark:
            lines.append("•" + line[mark.end():])
        elif lines and lines[-1] and line.strip()[:1].islower():
            lines[-1] = f"{lines[-1]} {line.strip()}"
        else:
            lines.append(line)
    return "<br>".join(lines)


def given_term(term):
    """The (first, last) years of a term written on the command line: ``2027-2030``."""
    match = TERM.match(term.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise PlanFormatError("--term", _l(
            "the term “%(term)s” must be written as its first and last years, such as "
            "2027-2030", term=term))
    return int(match.group(1)), int(match.group(2))


def given_ubigeo(ubigeo, where="--ubigeo"):
    if not UBIGEO.match(ubigeo):
        raise PlanFormatError(where, _l(
            "“%(ubigeo)s” is not a ubigeo: six digits, such as 180301", ubigeo=ubigeo))
    return ubigeo


def _term(head, term):
    if term:
        return given_term(term)
    for key in ("txProcesoElectoral", "txNombreProceso"):
        match = MUNICIPAL_ELECTION.search(fold(str(head.get(key) or "")))
        if match:
            year = int(match.group(1))
            return year + 1, year + 4
    raise PlanFormatError("datoGeneral", _l(
        "the file does not say the term of the plan (its municipal election in "
        "txProcesoElectoral); give it with --term, such as --term 2027-2030"))


def _ubigeo(head, ubigeo):
    said = str(head.get("txUbigeo") or "").strip() or None
    if said:
        given_ubigeo(said, "datoGeneral.txUbigeo")
    if ubigeo:
        given_ubigeo(ubigeo)
    if said and ubigeo and said != ubigeo:
        raise PlanFormatError("datoGeneral.txUbigeo", _l(
            "the file is the plan of %(said)s, not of %(given)s", said=said, given=ubigeo))
    if not (said or ubigeo):
        raise PlanFormatError("datoGeneral", _l(
            "the file does not say its municipality (txUbigeo); give its ubigeo with --ubigeo, "
            "such as --ubigeo 180301"))
    return said or ubigeo


def _election(head):
    """provincial, distrital or None, from txTipoEleccion; a regional plan is refused."""
    kind = fold(str(head.get("txTipoEleccion") or ""))
    if "PROVINCIAL" in kind:
        return "provincial"
    if "DISTRITAL" in kind:
        return "distrital"
    if "REGIONAL" in kind:
        raise PlanFormatError("datoGeneral.txTipoEleccion", _l(
            "this is a regional government's plan; the portal holds municipalities' plans"))
    return None


def _item_text(item, key, where):
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanFormatError(f"{where}.{key}", _l("must be a text"))
    return value


class _Dimension:
    """Reads one dimension's items, grouping consecutive rows of one problem and objective."""

    def __init__(self, key, number, code, name):
        self.key, self.number = key, number
        self.parsed = ParsedDimension(code=code, name=name, where=key)
        self.problem = self.objective = None

    def read(self, index, item, warnings):
        where = f"{self.key}[{index}]"
        if isinstance(item, dict) and item.get("idPlanGobDimension") is not None:
            where = f"{where} (idPlanGobDimension {item['idPlanGobDimension']})"
        if not isinstance(item, dict):
            raise PlanFormatError(where, _l("must be an object with the row's texts"))
        number = item.get("idPgDimension")
        if number is not None and number != self.number:
            raise PlanFormatError(f"{where}.idPgDimension", _l(
                "says dimension %(number)s, but the row is in %(key)s (dimension %(expected)s)",
                number=number, key=self.key, expected=self.number))
        problem, objective, indicator, meta = (_item_text(item, key, where) for key in TEXTS)
        problem, objective, indicator = clean(problem), clean(objective), clean(indicator)
        lead, items = goal_pieces(meta_cell(meta))
        goals = lead + items
        if not (problem or objective or indicator or goals):
            warnings.append(PlanWarning(where, _l("an empty row, left out")))
            return
        if not goals:
            raise PlanFormatError(f"{where}.txPgMeta", _l(
                "the row has no goal (txPgMeta is empty)"))
        self._problem(problem, where)
        self._objective(objective, where)
        for text in goals:
            self.objective.goals.append(ParsedGoal(
                code=f"{self.objective.code}.{len(self.objective.goals) + 1}",
                text=text, target=goal_target(text), kind=goal_kind(text),
                indicator=indicator or None, where=where))

    def _problem(self, text, where):
        if text and not (self.problem and _same(text, self.problem.text)):
            self.problem = ParsedProblem(text=text, where=where)
            self.parsed.problems.append(self.problem)
            self.objective = None
        elif self.problem is None:
            raise PlanFormatError(f"{where}.txPgProblema", _l(
                "the first row of a dimension must say its problem"))

    def _objective(self, text, where):
        if text and not (self.objective and _same(text, self.objective.text)):
            position = sum(len(p.objectives) for p in self.parsed.problems) + 1
            self.objective = ParsedObjective(
                code=f"{self.parsed.code}{position}", text=text, where=where)
            self.problem.objectives.append(self.objective)
        elif self.objective is None:
            raise PlanFormatError(f"{where}.txPgObjetivo", _l(
                "the row does not say its objective, and no row of this problem before it "
                "does"))


def _same(one, other):
    return " ".join(fold(one).split()) == " ".join(fold(other).split())


def parse_plan_jne(document, source, ubigeo=None, term=None):
    """Parse a JNE plan already read as JSON; raises PlanFormatError naming the item."""
    head = document["datoGeneral"]
    start, end = _term(head, term)
    parsed_ubigeo = _ubigeo(head, ubigeo)
    party = clean(str(head.get("txOrganizacionPolitica") or "")) or None
    identifier = head.get("idPlanGobierno")
    plan = ParsedPlan(
        title=f"Plan de Gobierno {start} - {end}",
        municipality=None,
        party=party,
        period_start=start,
        period_end=end,
        source=(f"JNE, plan de gobierno {identifier} ({source})" if identifier is not None
                else f"JNE ({source})"),
        ubigeo=parsed_ubigeo,
        election=_election(head),
        # The JNE never files a plan whose election or party says it is a demonstration.
        demonstration=any(DEMO_LABEL in str(head.get(key) or "") for key in (
            "txProcesoElectoral", "txNombreProceso", "txOrganizacionPolitica")),
    )
    seen = set()
    for key, number, code, name in DIMENSIONS:
        items = document.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PlanFormatError(key, _l("must be a list of the dimension's rows"))
        if code in seen:
            raise PlanFormatError(key, _l(
                "the plan has both dimensionAmbiental and dimensionTerritorialAmbiental"))
        seen.add(code)
        dimension = _Dimension(key, number, code, name)
        for index, item in enumerate(items):
            dimension.read(index, item, plan.warnings)
        if dimension.parsed.problems:
            plan.dimensions.append(dimension.parsed)
    if not plan.dimensions:
        raise PlanFormatError("dimensionSocial", _l(
            "the plan has no rows in any dimension (dimensionSocial, dimensionEconomica, "
            "dimensionAmbiental, dimensionInstitucional)"))
    return check_plan(plan)


def read_plan_jne(text, source, ubigeo=None, term=None):
    return parse_plan_jne(read_json(text), source, ubigeo, term)
