"""Places: what the plan promises in each, what was reported done there, the places as
GeoJSON for any map, and the admin's list of places."""
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from forms import refuse
from forms.places import PlaceForm
from models import db
from models.cache import CHECKS, REPORTS
from portal import terms
from portal.page_cache import cached
from portal.permissions import requires
from portal.services import DomainError
from portal.services import checks
from portal.services import places as service
from portal.translation import lazy_gettext as _l
from portal.views.charts import map_class, points_map

bp = Blueprint("places", __name__)


def place_or_404(slug):
    place = service.place_by_slug(slug, terms.context())
    if place is None:
        abort(404, description=_l("There is no such place."))
    return place


@bp.get("/lugares")
@cached(REPORTS)
def index():
    places = service.all_places(with_goals=True, context=terms.context())
    progress = service.place_progress(places)
    drawn = [(place.longitude, place.latitude, map_class(progress[place.id]), place.name)
             for place in places if place.latitude is not None]
    title = _l("The places with a point, by the progress of their goals")
    description = _l("%(drawn)s of %(total)s places drawn at their point; the list gives each "
                     "one's progress.", drawn=len(drawn), total=len(places))
    return render_template("places/index.html", places=places, progress=progress,
                           map=points_map(str(title), str(description), drawn))


@bp.get("/lugares/<slug>")
@cached(REPORTS, CHECKS)
def show(slug):
    place = place_or_404(slug)
    revisions, files = service.reported_there(place)
    seen = checks.checks_of_place(place)
    return render_template("places/show.html", place=place, revisions=revisions, files=files,
                           checks=seen[:checks.CHECKS_PER_PAGE],
                           more_checks=len(seen) > checks.CHECKS_PER_PAGE)


@bp.get("/datos/lugares.geojson")
@cached()
def geojson():
    """Every place as a GeoJSON feature (its geometry null while it has no point)."""
    features = [{
        "type": "Feature",
        "id": place.slug,
        "geometry": ({"type": "Point", "coordinates": [place.longitude, place.latitude]}
                     if place.latitude is not None else None),
        "properties": {"name": place.name, "kind": place.kind,
                       "goals": [goal.code for goal in place.goals],
                       "url": url_for("places.show", slug=place.slug, _external=True)},
    } for place in service.all_places(with_goals=True, context=terms.context())]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return Response(body, mimetype="application/geo+json",
                    headers={"Content-Disposition": "inline; filename=lugares.geojson"})


@bp.route("/admin/lugares", methods=["GET", "POST"])
@requires("manage_places")
def manage():
    form = PlaceForm(prefix="nuevo")
    if form.validate_on_submit():
        try:
            place = service.add_place(form.name.data, form.kind.data, form.latitude.data,
                                      form.longitude.data, terms.context())
            service.set_goals(place, form.goals.data, terms.context())
        except DomainError as error:
            db.session.rollback()
            refuse(form, error, form.name)
        else:
            flash(_l("The place %(name)s is added.", name=place.name), "success")
            return redirect(url_for("places.manage"))
    return manage_page(form)


def manage_page(form, sent=None, slug=None):
    """The places and their forms; ``sent`` is the edit of the place ``slug`` sent back
    with its errors, shown as typed."""
    edits = {place.slug: PlaceForm(prefix=place.slug, formdata=None, data={
        "name": place.name, "kind": place.kind, "latitude": place.latitude,
        "longitude": place.longitude, "goals": " ".join(goal.code for goal in place.goals)})
        for place in service.all_places(context=terms.context())}
    if sent is not None:
        edits[slug] = sent
    failed = form.errors or (sent is not None and sent.errors)
    return render_template("places/manage.html", form=form, edits=edits,
                           places=service.all_places(context=terms.context())), 400 if failed else 200


@bp.post("/admin/lugares/<slug>")
@requires("manage_places")
def change(slug):
    place = place_or_404(slug)
    form = PlaceForm(prefix=slug)
    if form.validate_on_submit():
        try:
            service.change_place(place, form.name.data, form.latitude.data,
                                 form.longitude.data)
            service.set_goals(place, form.goals.data, terms.context())
        except DomainError as error:
            db.session.rollback()
            refuse(form, error, form.name)
        else:
            flash(_l("The place %(name)s is saved.", name=place.name), "success")
            return redirect(url_for("places.manage", _anchor=slug))
    return manage_page(PlaceForm(prefix="nuevo", formdata=None), sent=form, slug=slug)
