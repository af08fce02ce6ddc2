"""Several terms: each plan's pages under ``/periodos/<term>/…``.

The plan the portal first published keeps its addresses without a term (``/metas/S7.6``),
so every link given out before a second plan was loaded still opens the same goal. Any plan
(that one too) is reached with its term in front: ``/periodos/2023-2026/metas/S7.6``. The
home page shows the latest term. Inside a page of a term, every address drawn for its plan
carries the term, so a reader stays in it.
"""
from dataclasses import replace
from urllib.parse import urlsplit

from flask import abort, current_app, g, has_request_context, request, url_for

from portal.context import FIRST, bound_to
from portal.permissions import municipality_of
from portal.services import plan as plan_service
from portal.translation import lazy_gettext as _l

PREFIX = "/periodos/<term>"
# The pages and forms about one plan, its goals, objectives and dimensions.
TERMED_BLUEPRINTS = ("plan", "reports", "transparency", "api")
TERMED_ENDPOINTS = {"feedback.post", "feedback.rate", "feedback.observe",
                    "notifications.follow", "notifications.unfollow",
                    "evidence.attach_to_report", "evidence.check"}


def context():
    """What this request is about, as the services take it (``portal.context``): the plan
    whose term its address names, or the plan first published (its addresses carry no
    term)."""
    return g.get("context", FIRST)


def enter(plan, in_address=False):
    """This request is about ``plan``; the addresses it draws carry its term but for its
    municipality's first plan."""
    g.context = replace(context(), plan_id=plan.id, term=plan.address_term,
                        term_in_address=in_address, demonstration=plan.demonstration)


def plan_url(endpoint, plan, **values):
    """An address of a page of ``plan`` (its goal, objective or dimension), from any page or
    none (an e-mail): its municipality and its term in it where its plan's addresses carry
    them, or where this request's do for its plan."""
    elsewhere = _served_elsewhere(plan, plan.address_municipality)
    if elsewhere:
        return _there(elsewhere, endpoint, term=plan.address_term, **values)
    return url_for(endpoint, term=plan.address_term, municipality=_municipality_of(plan),
                   **values)


def municipality_url(endpoint, plan, **values):
    """An address of a page of ``plan``'s municipality, of none of its terms (its committees,
    its moderation queue), as ``plan_url`` draws it."""
    elsewhere = _served_elsewhere(plan, plan.address_municipality)
    if elsewhere:
        return _there(elsewhere, endpoint, **values)
    return url_for(endpoint, municipality=_municipality_of(plan), **values)


def committee_url(committee, **values):
    """A committee's address, from any page: in its municipality, as ``plan_url`` draws a
    plan's."""
    here = context()
    elsewhere = _served_elsewhere(committee)
    if elsewhere:
        return _there(elsewhere, "committees.show", code=committee.code, **values)
    municipality = (here.municipality if committee.municipality_id == here.municipality_id
                    else committee.registered.slug if committee.registered else None)
    return url_for("committees.show", code=committee.code, municipality=municipality,
                   **values)


def _served_elsewhere(owner, address=None):
    """Where the pages of ``owner``'s municipality (a plan's or a committee's) are, when this
    request's host is bound to another one (it serves its own alone, ``portal.municipal``):
    the host bound to it, at bare addresses, or else the national portal (``PORTAL_URL``,
    where bound to none), at the address it has there (``address``: a plan's; a committee's
    is its municipality's). Returns (base, municipality), or None where this host serves
    it."""
    config = current_app.config
    bound = bound_to(config, request.host if has_request_context() else "")
    registered = owner.registered if bound else None
    if registered is None or bound in (registered.slug, registered.ubigeo):
        return None
    if address is None and not hasattr(owner, "address_municipality"):
        address = registered.slug
    scheme = request.scheme if has_request_context() else "https"
    for host, named in config["MUNICIPALITY_HOSTS"].items():
        if named in (registered.slug, registered.ubigeo):
            return f"{scheme}://{host}", None
    portal = config["PORTAL_URL"].rstrip("/")
    if not bound_to(config, urlsplit(portal).netloc):
        return portal, address
    # Served by no portal known here: its address under /m/ is not found on this host, where
    # a bare one could open this municipality's goal of the same code.
    return "", registered.slug


def _there(elsewhere, endpoint, **values):
    """``endpoint``'s address on the portal that serves it (``_served_elsewhere``)."""
    base, municipality = elsewhere
    if base:  # another host's: whole already
        values.pop("_external", None)
    return base + url_for(endpoint, municipality=municipality, **values)


def hearing_url(hearing_id, **values):
    """A hearing's address, from any page or none (an e-mail): in its plan's municipality."""
    from models import Hearing, db
    hearing = db.session.get(Hearing, hearing_id)
    return municipality_url("hearings.show", hearing.plan, hearing_id=hearing_id, **values)


def _municipality_of(plan):
    here = context()
    # A plan of the request's municipality keeps the request's address of it (bare, /m/ilo/…,
    # or none on its own portal); another's has its own.
    return (here.municipality if municipality_of(plan) == here.municipality_id
            else plan.address_municipality)


def goal_url(goal, **values):
    """A goal's address, from any page or none (``plan_url``)."""
    return plan_url("plan.goal", goal.objective.dimension.plan, code=goal.code, **values)


def goal_name(goal):
    """A goal as a message names it: its code, and the municipality of its plan where its
    addresses carry one (``S1.1 · Municipalidad Distrital de Pacocha``), so that a resident
    following goals of several municipalities can tell them apart."""
    plan = goal.objective.dimension.plan
    if plan.address_municipality is None:
        return goal.code
    return f"{goal.code} · {plan.municipality.split(' - ')[0]}"


def _pull_term(endpoint, values):
    if values and "term" in values:
        plan = plan_service.plan_by_term(values.pop("term"), context())
        if plan is None:
            abort(404, description=_l("There is no government plan for that term."))
        enter(plan, in_address=True)


def _add_term(endpoint, values):
    term = context().term
    if "term" not in values and term and endpoint in current_app.extensions["termed"]:
        values["term"] = term


def prefix_rules(app, prefix, endpoints=None):
    """Give every page of a plan (``termed``), or of ``endpoints``, an address with ``prefix``
    in front too."""
    endpoints = app.extensions["termed"] if endpoints is None else endpoints
    for rule in list(app.url_map.iter_rules()):
        if rule.endpoint in endpoints:
            app.add_url_rule(prefix + rule.rule, endpoint=rule.endpoint,
                             view_func=app.view_functions[rule.endpoint],
                             methods=rule.methods - {"HEAD", "OPTIONS"},
                             defaults=rule.defaults)


def init_app(app):
    """Give every page of a plan its address with a term; call once the blueprints are in."""
    termed = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in TERMED_BLUEPRINTS
              or rule.endpoint in TERMED_ENDPOINTS}
    app.extensions["termed"] = termed
    prefix_rules(app, PREFIX)
    app.url_value_preprocessor(_pull_term)
    app.url_defaults(_add_term)
