"""Every municipality's pages under ``/m/<municipality>/…``.

The municipality whose plan the portal first published keeps its addresses without one
(``/metas/S7.6``), so no link given out before breaks; any municipality (that one too) is
reached with its address in front: ``/m/pacocha/metas/S1.1``, its ubigeo resolving as well
(``/m/180303/…``), and terms compose: ``/m/ilo/periodos/2023-2026/metas/S1.1``. Inside a
municipality's pages every address drawn for its plans carries it, so a reader stays in it.

The edge resolves the municipality before the term (``portal.terms``): a request under
``/m/`` is about its municipality's first plan until its term says otherwise.
"""
from dataclasses import replace

from flask import abort, current_app, g, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import Municipality, Plan, db
from portal import terms
from portal.context import bound_to
from portal.translation import lazy_gettext as _l

PREFIX = "/m/<municipality>"


# What is each municipality's, but of none of its plans in particular: under /m/<…>/ too,
# without a term (a plan's pages, ``terms.TERMED_BLUEPRINTS``, have both).
MUNICIPAL_BLUEPRINTS = ("committees", "hearings", "places")
MUNICIPAL_ENDPOINTS = {"feedback.queue", "feedback.log"}
# What never asks which municipality: files, and the load balancer's check.
ANY_MUNICIPALITY = ("static", "health.health")


def bound_address():
    """The municipality this request's host, or else the deployment, is bound to; None when
    it serves every municipality."""
    return bound_to(current_app.config, request.host if has_request_context() else "")


def _lookup(address):
    """The municipality at ``address`` (slug or ubigeo), its first plan, whether its
    addresses carry it (it is not the municipality first published), and whether that plan
    is a demonstration: one statement."""
    first_plan = aliased(Plan)
    found = db.session.execute(
        select(Municipality, first_plan.id, first_plan.address_municipality,
               first_plan.demonstration)
        .outerjoin(first_plan, first_plan.id == select(func.min(Plan.id)).where(
            Plan.municipality_id == Municipality.id).scalar_subquery())
        .where((Municipality.slug == address) | (Municipality.ubigeo == address))).first()
    if found is None:
        abort(404, description=_l("There is no municipality at that address."))
    if found[1] is None:
        abort(404, description=_l("This municipality's government plan has not been loaded "
                                  "yet."))
    return found


def _pull_municipality(endpoint, values):
    bound = bound_address()
    if bound and endpoint not in ANY_MUNICIPALITY:
        if (values and "municipality" in values) or endpoint.startswith("national."):
            abort(404)  # a municipality's own portal serves it alone
        address, in_address = bound, False
    elif values and "municipality" in values:
        address, in_address = values.pop("municipality"), True
    else:
        return
    municipality, plan_id, carries_it, demonstration = _lookup(address)
    # Its addresses (and the bar naming it) carry it only where the request's address did.
    g.context = replace(terms.context(), plan_id=plan_id,
                        municipality_id=municipality.id if carries_it else None,
                        municipality=municipality.slug if in_address else None,
                        municipality_name=municipality.title if in_address else None,
                        municipality_asked=address, demonstration=demonstration)


def _add_municipality(endpoint, values):
    municipality = terms.context().municipality
    if ("municipality" not in values and municipality
            and endpoint in current_app.extensions["municipal"]):
        values["municipality"] = municipality


def init_app(app):
    """Give every page of a plan an address in its municipality; call after
    ``terms.init_app``, whose addresses with a term it composes with."""
    own = {rule.endpoint for rule in app.url_map.iter_rules()
           if rule.endpoint.split(".")[0] in MUNICIPAL_BLUEPRINTS
           or rule.endpoint in MUNICIPAL_ENDPOINTS}
    app.extensions["municipal"] = app.extensions["termed"] | own
    terms.prefix_rules(app, PREFIX, app.extensions["municipal"])
    # The municipality is resolved before the term, which is looked up in it.
    app.url_value_preprocessors.setdefault(None, []).insert(0, _pull_municipality)
    app.url_defaults(_add_municipality)
