"""What a request is about, resolved once at its edge (``portal.municipal`` and
``portal.terms``) and handed to the services by hand: its municipality and its plan.

The services take a ``Context`` instead of reading the request, so the same function answers
a page, a job or a command alike: ``goal_by_code("S7.6", context=Context(plan_id=...))``.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    # The plan asked for; None for the plan the portal first published, whose addresses
    # carry no term (matched in the query itself, so naming it costs no statement).
    plan_id: int | None = None
    # The term the request's addresses carry: None for the first plan of its municipality.
    term: str | None = None
    # Whether the address named the term (``/periodos/2023-2026/…``) or it was chosen for it.
    term_in_address: bool = False
    # The municipality (its id in the register): None for the municipality whose plan the
    # portal first published, whose addresses carry no municipality.
    municipality_id: int | None = None
    # The municipality the request's addresses carry (``/m/pacocha/…``): None at the bare
    # addresses of the municipality first published.
    municipality: str | None = None
    # Its name, as its pages show it above their content: with its address.
    municipality_name: str | None = None
    # The municipality as the request's address (or the deployment bound to it) names it,
    # slug or ubigeo: what its pages are kept under in the cache (``models.cache.at``). None
    # at the bare addresses of the municipality first published.
    municipality_asked: str | None = None
    # Whether the plan asked for is a demonstration the JNE never published, where the edge
    # knows it (under /m/… or a term); a page that loads its plan tells it from the plan.
    demonstration: bool = False


# A request whose address names no municipality and no term is about the plan first published.
FIRST = Context()


def bound_to(config, host):
    """The municipality a request to ``host`` is served for where the deployment (``config``)
    binds it to one (``MUNICIPALITY``, ``MUNICIPALITY_HOSTS``); None where it serves every
    municipality."""
    hosts, host = config["MUNICIPALITY_HOSTS"], host.lower()
    return hosts.get(host) or hosts.get(host.rsplit(":", 1)[0]) or config["MUNICIPALITY"]
