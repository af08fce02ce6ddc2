"""The plan's canonical JSON form, written by ``plan export`` and read by ``plan import``.

It lets a municipality curate its plan, or load the next term's, without touching code.
Codes are optional on import: a missing one is given the next free number in its place,
so a curated file keeps every published code and new entries get new ones.
"""
import json

from models.plan import GOAL_KINDS
from portal.translation import lazy_gettext as _l

from .structure import (GOAL_CODE, OBJECTIVE_CODE, ParsedDimension, ParsedGoal, ParsedObjective,
                        ParsedPlan, ParsedProblem, PlanFormatError, check_plan, goal_kind,
                        goal_target)

FORMAT = "plan-de-gobierno/1"


def _field(node, key, path, kind, required=True):
    value = node.get(key) if isinstance(node, dict) else None
    if value is None and not required:
        return None
    if kind is str and isinstance(value, str) and value.strip():
        return " ".join(value.split())
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if kind is list and isinstance(value, list) and value:
        return value
    if kind is bool and isinstance(value, bool):
        return value
    expected = {
        str: _l("a text"),
        int: _l("a whole number, zero or more"),
        list: _l("a list with at least one entry"),
        bool: _l("true or false"),
    }[kind]
    raise PlanFormatError(f"{path}.{key}", _l("must be %(expected)s", expected=expected))


def _code(node, path, pattern, prefix, taken):
    code = _field(node, "code", path, str, required=False)
    if code is None:
        return None
    match = pattern.match(code)
    if not match or not code.startswith(prefix):
        raise PlanFormatError(f"{path}.code", _l(
            "“%(code)s” is not a valid code here; it must start with %(prefix)s",
            code=code, prefix=prefix))
    if code in taken:
        raise PlanFormatError(f"{path}.code", _l("code %(code)s is used twice", code=code))
    taken.add(code)
    return code


def _next_code(prefix, taken):
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    taken.add(f"{prefix}{number}")
    return f"{prefix}{number}"


def _read_goals(objective, nodes, path):
    taken = set()
    codes = [_code(n, f"{path}[{i}]", GOAL_CODE, f"{objective.code}.", taken)
             for i, n in enumerate(nodes)]
    for i, (node, code) in enumerate(zip(nodes, codes, strict=True)):
        where = f"{path}[{i}]"
        text = _field(node, "text", where, str)
        target = _field(node, "target", where, int, required=False)
        kind = node.get("kind") or goal_kind(text)
        if kind not in GOAL_KINDS:
            raise PlanFormatError(f"{where}.kind", _l(
                "must be one of %(kinds)s", kinds=", ".join(GOAL_KINDS)))
        objective.goals.append(ParsedGoal(
            code=code or _next_code(f"{objective.code}.", taken),
            text=text,
            target=target if "target" in node else goal_target(text),
            kind=kind,
            where=where,
            indicator=_field(node, "indicator", where, str, required=False),
        ))


def _read_dimension(node, path):
    code = _field(node, "code", path, str)
    if len(code) != 1 or not code.isupper():
        raise PlanFormatError(f"{path}.code", _l(
            "a dimension code is one capital letter, such as S"))
    dimension = ParsedDimension(code=code, name=_field(node, "name", path, str), where=path)
    objective_nodes = []
    for p, problem_node in enumerate(_field(node, "problems", path, list)):
        where = f"{path}.problems[{p}]"
        problem = ParsedProblem(text=_field(problem_node, "text", where, str), where=where)
        dimension.problems.append(problem)
        for o, objective_node in enumerate(_field(problem_node, "objectives", where, list)):
            objective_nodes.append((problem, objective_node, f"{where}.objectives[{o}]"))
    taken = set()
    codes = [_code(n, w, OBJECTIVE_CODE, code, taken) for _, n, w in objective_nodes]
    for (problem, objective_node, where), objective_code in zip(objective_nodes, codes, strict=True):
        objective = ParsedObjective(
            code=objective_code or _next_code(code, taken),
            text=_field(objective_node, "text", where, str),
            where=where,
        )
        problem.objectives.append(objective)
        _read_goals(objective, _field(objective_node, "goals", where, list), f"{where}.goals")
    return dimension


def read_json(text):
    """The document of a JSON file; PlanFormatError naming the line when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFormatError(_l("line %(number)s", number=error.lineno), _l(
            "not valid JSON (%(reason)s)", reason=error.msg)) from None


def parse_plan_json(text, source):
    """Parse the canonical JSON; raises PlanFormatError naming the line or the field."""
    return plan_from_document(read_json(text), source)


def plan_from_document(document, source):
    """The plan of a canonical JSON document already read."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PlanFormatError("format", _l(
            "a plan file in JSON must say \"format\": \"%(format)s\"", format=FORMAT))
    head = document.get("plan")
    if not isinstance(head, dict):
        raise PlanFormatError("plan", _l("must be an object with the plan's title and period"))
    start = _field(head, "period_start", "plan", int)
    end = _field(head, "period_end", "plan", int)
    if start > end:
        raise PlanFormatError("plan.period_end", _l("the period ends before it starts"))
    plan = ParsedPlan(
        title=_field(head, "title", "plan", str),
        municipality=_field(head, "municipality", "plan", str),
        party=_field(head, "party", "plan", str, required=False),
        period_start=start,
        period_end=end,
        source=_field(head, "source", "plan", str, required=False) or source,
        demonstration=_field(head, "demonstration", "plan", bool, required=False) or False,
    )
    for d, node in enumerate(_field(document, "dimensions", "", list)):
        dimension = _read_dimension(node, f"dimensions[{d}]")
        if any(other.code == dimension.code for other in plan.dimensions):
            raise PlanFormatError(f"dimensions[{d}].code", _l(
                "code %(code)s is used twice", code=dimension.code))
        plan.dimensions.append(dimension)
    return check_plan(plan)


def plan_document(plan):
    """The canonical JSON document of a stored plan (a models.Plan)."""
    return {
        "format": FORMAT,
        "plan": {
            "title": plan.title,
            "municipality": plan.municipality,
            "party": plan.party,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "source": plan.source,
            "demonstration": plan.demonstration,
        },
        "dimensions": [
            {
                "code": dimension.code,
                "name": dimension.name,
                "problems": [
                    {
                        "text": problem.text,
                        "objectives": [
                            {
                                "code": objective.code,
                                "text": objective.text,
                                "goals": [
                                    {
                                        "code": goal.code,
                                        "text": goal.text,
                                        "target": goal.target,
                                        "kind": goal.kind,
                                        "indicator": goal.indicator,
                                    }
                                    for goal in objective.goals
                                ],
                            }
                            for objective in problem.objectives
                        ],
                    }
                    for problem in dimension.problems
                ],
            }
            for dimension in plan.dimensions
        ],
    }
