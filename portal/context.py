"""What a request is about, resolved once at its edge (``portal.terms``) and handed to the
services by hand: today its plan; a municipality joins it in the same object.

The services take a ``Context`` instead of reading the request, so the same function answers
a page, a job or a command alike: ``goal_by_code("S7.6", context=Context(plan_id=...))``.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    # The plan asked for; None for the plan the portal first published, whose addresses
    # carry no term (matched in the query itself, so naming it costs no statement).
    plan_id: int | None = None
    # The term the request's addresses carry: None for the plan first published.
    term: str | None = None
    # Whether the address named the term (``/periodos/2023-2026/…``) or it was chosen for it.
    term_in_address: bool = False


# A request whose address names no term is about the plan first published.
FIRST = Context()
