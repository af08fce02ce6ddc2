"""Reads the plan from the text extracted from its PDF.

The extraction left three columns separated by tabs (problem, objective, goals), HTML
fragments, table rules, and page breaks that cut a cell in two: after a blank line a row may
carry the rest of the cells above it. The words are kept as the plan has them; only what the
extraction broke is mended.
"""
import html
import re

from portal.translation import lazy_gettext as _l

from .structure import (ParsedDimension, ParsedGoal, ParsedObjective, ParsedPlan, ParsedProblem,
                        PlanFormatError, check_plan, fold, goal_kind, goal_target)

# The four dimensions of a plan de gobierno municipal, by the word of their heading.
DIMENSIONS = {
    "SOCIAL": ("S", "Social"),
    "ECONOMICA": ("E", "Económica"),
    "AMBIENTAL": ("A", "Ambiental"),
    "INSTITUCIONAL": ("I", "Institucional"),
}
# "DIMENCIÓN" is how the plan spells one of them.
DIMENSION_HEADING = re.compile(r"^DIMEN[SC]ION\s+(\w+)$")
COLUMN_TITLES = ("PROBLEMA IDENTIFICADO", "OBJETIVO ESTRATEGICO", "META AL 2022")
PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")
TABLE_RULE = re.compile(r"^-+$")
INLINE_TAG = re.compile(r"</?(?:i|b|em|strong|span|u|font)\b[^>]*>", re.IGNORECASE)
# Block tags and bullets both start a new piece of a goals cell.
BLOCK_OR_BULLET = re.compile(r"(</?(?:p|ul|ol|li|div|br)\b[^>]*>|•)", re.IGNORECASE)
ANY_TAG = re.compile(r"<[^>]*>")


def clean(fragment):
    """Text of a cell fragment: no markup, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(ANY_TAG.sub(" ", fragment)).split())


def goal_pieces(cell):
    """Split a goals cell into (lead, items).

    ``lead`` is what stands before the first bullet, one entry per paragraph; ``items`` the
    bulleted goals. ``<li>`` counts as a bullet.
    """
    lead, items = [], []
    bulleted = False
    for part in BLOCK_OR_BULLET.split(INLINE_TAG.sub("", cell)):
        if part == "•" or part.lower().startswith("<li"):
            bulleted = True
            items.append("")
            continue
        if BLOCK_OR_BULLET.fullmatch(part):
            if not bulleted:
                lead.append("")
            continue
        text = clean(part)
        if not text:
            continue
        if bulleted:
            items[-1] = f"{items[-1]} {text}".strip()
        elif lead:
            lead[-1] = f"{lead[-1]} {text}".strip()
        else:
            lead.append(text)
    return [t for t in lead if t], [t for t in items if t]


def is_header_row(cells):
    """A row of column titles, or a piece of one cut by a page break."""
    texts = [fold(clean(c)) for c in cells]
    if not any(texts) or len(texts) > len(COLUMN_TITLES):
        return False
    return all(
        not text or re.search(rf"(^|\s){re.escape(text)}($|\s)", title)
        for text, title in zip(texts, COLUMN_TITLES, strict=False)
    )


def continues(text):
    """After a page break, a cell starting in lower case is the rest of the cell above."""
    return text[:1].islower()


class _Reader:
    def __init__(self, source):
        self.source = source
        self.preface = {}
        self.dimensions = []
        self.problem = None
        self.objective = None
        self.goal = None

    def line_error(self, lineno, message):
        return PlanFormatError(_l("line %(number)s", number=lineno), message)

    def where(self, lineno):
        return str(_l("line %(number)s", number=lineno))

    def read(self, text):
        after_break = False
        lineno = 0
        for lineno, raw in enumerate(text.splitlines(), start=1):
            cells = raw.split("\t")
            texts = [clean(c) for c in cells]
            if not any(texts):
                after_break = after_break or bool(self.dimensions or self.preface)
                continue
            if all(TABLE_RULE.match(t) or not t for t in texts):
                continue
            heading = DIMENSION_HEADING.match(fold(" ".join(t for t in texts if t)))
            if heading:
                self.start_dimension(lineno, heading.group(1))
            elif not self.dimensions:
                self.read_preface(lineno, texts)
            elif is_header_row(cells):
                pass
            elif len(cells) > 3:
                raise self.line_error(lineno, _l(
                    "a row of the table has %(count)s columns; problem, objective and goals "
                    "are three", count=len(cells)))
            else:
                cells += [""] * (3 - len(cells))
                self.read_row(lineno, cells, after_break)
            after_break = False
        if not self.dimensions:
            raise self.line_error(max(lineno, 1), _l(
                "no dimension heading (such as “DIMENSION SOCIAL”) was found"))
        return self.finish(lineno)

    def read_preface(self, lineno, texts):
        line = " ".join(t for t in texts if t)
        folded = fold(line)
        if folded.startswith("PARTIDO"):
            self.preface["party"] = line
        elif folded.startswith("PLAN DE GOBIERNO") and PERIOD.search(line):
            self.preface["title"] = line
            self.preface["period"] = tuple(int(y) for y in PERIOD.search(line).groups())
        elif folded.startswith("MUNICIPALIDAD"):
            self.preface["municipality"] = line
        else:
            raise self.line_error(lineno, _l(
                "unexpected text before the first dimension: “%(text)s”; expected the party, "
                "the plan title with its period, or the municipality", text=line[:80]))

    def start_dimension(self, lineno, word):
        if word not in DIMENSIONS:
            raise self.line_error(lineno, _l(
                "unknown dimension “%(name)s”; a plan has the dimensions Social, Económica, "
                "Ambiental and Institucional", name=word.title()))
        code, name = DIMENSIONS[word]
        if any(d.code == code for d in self.dimensions):
            raise self.line_error(lineno, _l("dimension %(name)s appears twice", name=name))
        self.dimensions.append(ParsedDimension(code=code, name=name, where=self.where(lineno)))
        self.problem = self.objective = self.goal = None

    def read_row(self, lineno, cells, after_break):
        problem_text, objective_text = clean(cells[0]), clean(cells[1])
        lead, items = goal_pieces(cells[2])
        dimension = self.dimensions[-1]

        if problem_text and after_break and self.problem and continues(problem_text):
            self.problem.text = f"{self.problem.text} {problem_text}"
        elif problem_text:
            self.problem = ParsedProblem(text=problem_text, where=self.where(lineno))
            dimension.problems.append(self.problem)
            self.objective = self.goal = None

        if objective_text and after_break and self.objective and continues(objective_text):
            self.objective.text = f"{self.objective.text} {objective_text}"
        elif objective_text:
            if self.problem is None:
                raise self.line_error(lineno, _l(
                    "objective “%(text)s” has no problem before it", text=objective_text[:80]))
            position = sum(len(p.objectives) for p in dimension.problems) + 1
            self.objective = ParsedObjective(
                code=f"{dimension.code}{position}", text=objective_text, where=self.where(lineno))
            self.problem.objectives.append(self.objective)
            self.goal = None

        if after_break and lead and self.goal is not None:
            self.goal.text = f"{self.goal.text} {lead.pop(0)}"
            self.goal.target = goal_target(self.goal.text)
            self.goal.kind = goal_kind(self.goal.text)
        for text in lead + items:
            if self.objective is None:
                raise self.line_error(lineno, _l(
                    "goal “%(text)s” has no objective before it", text=text[:80]))
            self.goal = ParsedGoal(
                code=f"{self.objective.code}.{len(self.objective.goals) + 1}",
                text=text,
                target=goal_target(text),
                kind=goal_kind(text),
                where=self.where(lineno),
            )
            self.objective.goals.append(self.goal)

    def finish(self, lineno):
        missing = [key for key in ("title", "municipality") if key not in self.preface]
        if missing:
            raise self.line_error(1, _l(
                "the plan title with its period (such as “PLAN DE GOBIERNO 2019 - 2022”) and "
                "the municipality must come before the first dimension"))
        for dimension in self.dimensions:
            if not dimension.problems:
                raise PlanFormatError(dimension.where, _l(
                    "dimension %(name)s has no problems", name=dimension.name))
            for problem in dimension.problems:
                if not problem.objectives:
                    raise PlanFormatError(problem.where, _l(
                        "problem “%(text)s” has no objective", text=problem.text[:80]))
                for objective in problem.objectives:
                    if not objective.goals:
                        raise PlanFormatError(objective.where, _l(
                            "objective %(code)s has no goals", code=objective.code))
        start, end = self.preface["period"]
        return ParsedPlan(
            title=self.preface["title"],
            municipality=self.preface["municipality"],
            party=self.preface.get("party"),
            period_start=start,
            period_end=end,
            source=self.source,
            dimensions=self.dimensions,
        )


def parse_plan_text(text, source):
    """Parse the extracted text of a plan; raises PlanFormatError naming the line."""
    return check_plan(_Reader(source).read(text))
