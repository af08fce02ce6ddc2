"""The plan as the importers hand it over, whatever file it came from."""
import re
import unicodedata
from dataclasses import dataclass, field

from portal.translation import lazy_gettext as _l

# "05 Proyectos de inversión …" promises five; a goal without a leading number has no target.
LEADING_QUANTITY = re.compile(r"^(\d{1,6})\b")
# What a plan the JNE never published carries in its election and party (``flask demo``).
DEMO_LABEL = "[Demostración]"
GOAL_CODE = re.compile(r"^([A-Z])(\d+)\.(\d+)$")
OBJECTIVE_CODE = re.compile(r"^([A-Z])(\d+)$")


class FileFormatError(Exception):
    """The file cannot be made sense of; ``where`` names the line (or JSON path)."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class PlanFormatError(FileFormatError):
    pass


@dataclass
class PlanWarning:
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


@dataclass
class ParsedGoal:
    code: str
    text: str
    target: int | None
    kind: str
    where: str
    # What measures the goal, as the plan names it (JNE's txPgIndicador); None if it does not.
    indicator: str | None = None


@dataclass
class ParsedObjective:
    code: str
    text: str
    where: str
    goals: list[ParsedGoal] = field(default_factory=list)


@dataclass
class ParsedProblem:
    text: str
    where: str
    objectives: list[ParsedObjective] = field(default_factory=list)


@dataclass
class ParsedDimension:
    code: str
    name: str
    where: str
    problems: list[ParsedProblem] = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str
    # The municipality as the file names it; None when only its ubigeo is known.
    municipality: str | None
    party: str | None
    period_start: int
    period_end: int
    source: str
    dimensions: list[ParsedDimension] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    # The municipality's INEI ubigeo, when the file or the command line gives it.
    ubigeo: str | None = None
    # provincial or distrital, when the file says which election the plan was filed for.
    election: str | None = None
    # A plan the JNE never published, loaded to show or measure the portal.
    demonstration: bool = False

    def goals(self):
        for dimension in self.dimensions:
            for problem in dimension.problems:
                for objective in problem.objectives:
                    yield from objective.goals


def fold(text):
    """Upper-case without accents, for matching headings written either way."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def goal_target(text):
    match = LEADING_QUANTITY.match(text)
    return int(match.group(1)) if match else None


def goal_kind(text):
    """programa / proyecto / plan from the first word after the quantity, else otro."""
    words = LEADING_QUANTITY.sub("", text).split()
    first = fold(words[0]) if words else ""
    if first in ("PROGRAMA", "PROGRAMAS"):
        return "programa"
    if first in ("PROYECTO", "PROYECTOS"):
        return "proyecto"
    if first in ("PLAN", "PLANES"):
        return "plan"
    return "otro"


# Words a Spanish sentence does not end on: a text ending on one was cut short.
DANGLING_WORDS = frozenset(
    "a al con de del el en la las los para por que su sus un una y o".split()
)


def looks_cut(text):
    words = text.rstrip().split()
    return bool(words) and words[-1].lower() in DANGLING_WORDS


def check_plan(plan):
    """Warnings shared by every importer: repeated goals and texts cut short."""
    seen = {}
    for dimension in plan.dimensions:
        for problem in dimension.problems:
            if looks_cut(problem.text):
                plan.warnings.append(PlanWarning(problem.where, _l(
                    "problem text seems cut short, kept as written: “%(text)s”",
                    text=problem.text)))
            for objective in problem.objectives:
                if looks_cut(objective.text):
                    plan.warnings.append(PlanWarning(objective.where, _l(
                        "objective %(code)s seems cut short, kept as written: “%(text)s”",
                        code=objective.code, text=objective.text)))
                for goal in objective.goals:
                    key = " ".join(goal.text.casefold().split())
                    if key in seen:
                        plan.warnings.append(PlanWarning(goal.where, _l(
                            "goal %(code)s repeats goal %(other)s, kept both: “%(text)s”",
                            code=goal.code, other=seen[key], text=goal.text)))
                    else:
                        seen[key] = goal.code
                    if looks_cut(goal.text):
                        plan.warnings.append(PlanWarning(goal.where, _l(
                            "goal %(code)s seems cut short, kept as written: “%(text)s”",
                            code=goal.code, text=goal.text)))
    return plan
