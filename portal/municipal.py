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

from flask import abort, current_app, g
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import Municipality, Plan, db
from portal import terms
from portal.translation import lazy_gettext as _l

PREFIX = "/m/<municipality>"


def _pull_municipality(endpoint, values):
    if not values or "municipality" not in values:
        return
    address = values.pop("municipality")
    # The municipality and its first plan, whose addresses say whether it is the
    # municipality first published: one statement.
    first_plan = aliased(Plan)
    found = db.session.execute(
        select(Municipality.id, Municipality.slug, first_plan.id,
               first_plan.address_municipality)
        .outerjoin(first_plan, first_plan.id == select(func.min(Plan.id)).where(
            Plan.municipality_id == Municipality.id).scalar_subquery())
        .where((Municipality.slug == address) | (Municipality.ubigeo == address))).first()
    if found is None:
        abort(404, description=_l("There is no municipality at that address."))
    municipality_id, slug, plan_id, carries_it = found
    if plan_id is None:
        abort(404, description=_l("This municipality's government plan has not been loaded "
                                  "yet."))
    g.context = replace(terms.context(), plan_id=plan_id, municipality=slug,
                        municipality_id=municipality_id if carries_it else None)


def in_first():
    """Whether this request is about the municipality first published, whose committees,
    places, hearings and moderation the portal holds (not yet each municipality's)."""
    return terms.context().municipality_id is None


def _add_municipality(endpoint, values):
    municipality = terms.context().municipality
    if ("municipality" not in values and municipality
            and endpoint in current_app.extensions["termed"]):
        values["municipality"] = municipality


def init_app(app):
    """Give every page of a plan an address in its municipality; call after
    ``terms.init_app``, whose addresses with a term it composes with."""
    terms.prefix_rules(app, PREFIX)
    # The municipality is resolved before the term, which is looked up in it.
    app.url_value_preprocessors.setdefault(None, []).insert(0, _pull_municipality)
    app.url_defaults(_add_municipality)
