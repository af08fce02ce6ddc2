"""The national view: Peru's municipalities, department by department, each with whether its
plan is loaded and how it stands, on a map drawn on the server and in a table alike."""
import gzip
import os
from collections import Counter

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_login import current_user
from werkzeug.http import http_date
from werkzeug.wsgi import wrap_file

from forms.accounts import AdminAppointmentForm
from models import db
from models.cache import MUNICIPALITIES, OBSERVATIONS, REPORTS
from portal.importers.plan_text import DIMENSIONS as PLAN_DIMENSIONS
from portal.labels import LABELS
from portal.opendata import DATASETS
from portal.page_cache import cached
from portal.permissions import requires
from portal.services import Page, national, opendata
from portal.services.accounts import appoint_admin
from portal.storage import storage
from portal.translation import lazy_gettext as _l
from portal.views.charts import map_class, points_map
from portal.views.pages import form_page, refusal_shown

bp = Blueprint("national", __name__)
# Administrators listed on a page of the national admins' own.
ADMINS_PER_PAGE = 100

# The four dimensions of every plan de gobierno, by code, named as the plans name them.
DIMENSIONS = dict(PLAN_DIMENSIONS.values())


def place_filters():
    """Every department; the one asked for (``departamento``, its code) and its provinces;
    the province asked for (``provincia``), as (code, name). What is not one is ignored."""
    departments = national.departments()
    department = request.args.get("departamento", "")
    department = next((d for d in departments if d.code == department), None)
    provinces = national.provinces(department.code) if department else []
    province = request.args.get("provincia", "")
    province = next(((code, name) for code, name in provinces if code == province), None)
    return departments, department, provinces, province


@bp.get("/municipalidades")
@cached(REPORTS, OBSERVATIONS, MUNICIPALITIES, national=True)
def index():
    departments, department, provinces, province = place_filters()
    query = request.args.get("q", "")[:100].strip()
    filtered = bool(department or query)
    found = national.standings(national.found(
        department=department and department.code, province=province and province[0],
        query=query))
    # Without a filter, the table lists the municipalities whose plan is loaded.
    listed = found if filtered else [s for s in found if s.plan is not None]
    page = Page.of(listed, request.args.get("page", 1, type=int), national.PAGE_SIZE)
    drawn = [(s.municipality.longitude, s.municipality.latitude, map_class(s.average))
             for s in found if s.municipality.latitude is not None]
    classes = Counter(css for _lon, _lat, css in drawn)
    where = (province[1] if province else department.name if department
             else _l("Peru"))
    title = _l("Municipalities of %(where)s by the progress of their plan", where=where)
    description = _l(
        "%(drawn)s of %(total)s municipalities drawn at their capital; %(loaded)s with their "
        "plan loaded. The table gives each one's figures.", drawn=len(drawn), total=len(found),
        loaded=sum(1 for s in found if s.plan is not None))
    return render_template(
        "national/index.html", departments=departments, department=department,
        provinces=provinces, province=province, query=query, filtered=filtered, page=page,
        classes=classes, map=points_map(str(title), str(description), drawn),
        total=sum(d.municipalities for d in departments),
        loaded=sum(d.with_plan for d in departments))


@bp.get("/municipalidades/metas")
@cached(REPORTS, MUNICIPALITIES, national=True)
def goals():
    """Goals of every municipality's plan in office, found by words and filters."""
    departments, department, provinces, province = place_filters()
    query = request.args.get("q", "")[:200].strip()
    dimension = request.args.get("dimension", "")
    dimension = dimension if dimension in DIMENSIONS else None
    status = request.args.get("estado", "")
    status = status if status in LABELS["status"] else None
    municipality = request.args.get("municipalidad", "")[:120].strip() or None
    found, total, page = national.search_goals(
        query, department and department.code, province and province[0], municipality,
        dimension, status, request.args.get("page", 1, type=int))
    return render_template(
        "national/goals.html", page=Page(found, page, national.GOALS_PER_PAGE, total),
        query=query,
        departments=departments, department=department, provinces=provinces,
        province=province, dimension=dimension, status=status, municipality=municipality,
        dimensions=DIMENSIONS, statuses=LABELS["status"])


@bp.get("/municipalidades/datos")
def open_data():
    """The national datasets, each file with when it was last built (not kept in the page
    cache: a build writes no version)."""
    return render_template("national/data.html", datasets=DATASETS.values(),
                           built=opendata.built(), hour=opendata.BUILD_HOUR)


@bp.get("/municipalidades/datos/<name>.<extension>")
def download(name, extension):
    """A dataset of every municipality's plans, each row naming its municipality: its last
    build, sent as it was stored (compressed) to whoever takes gzip."""
    if name not in DATASETS or extension not in opendata.FORMATS:
        abort(404, description=_l("There is no such dataset."))
    file, stored = _stored(name, extension)
    if stored is None:
        abort(404, description=_l("This dataset has not been built yet: the national files "
                                  "are built every night. Each municipality's own datasets "
                                  "are on its open data page."))
    headers = {"Content-Disposition": f"inline; filename=peru-{name}.{extension}",
               "Last-Modified": http_date(file.built_at), "Vary": "Accept-Encoding"}
    mimetype = "text/csv" if extension == "csv" else "application/json"
    if request.accept_encodings["gzip"]:  # the stored file itself, as the server sends files
        headers["Content-Encoding"] = "gzip"
        response = Response(wrap_file(request.environ, stored), mimetype=mimetype,
                            headers=headers, direct_passthrough=True)
        response.content_length = os.fstat(stored.fileno()).st_size
        return response
    response = Response(_decompressed(stored), mimetype=mimetype, headers=headers,
                        direct_passthrough=True)
    response.content_length = file.size
    response.call_on_close(stored.close)  # when the body is never read (HEAD)
    return response


def _stored(name, extension):
    """A national file's latest build and its stored body, open; (…, None) when there is
    none. A build replacing the file meanwhile removes the one just read of: read again."""
    for _ in range(2):
        file = opendata.built_file(name, extension)
        if file is None:
            return None, None
        try:
            return file, storage().open(file.key)
        except FileNotFoundError:
            db.session.expire_all()
    # Lost from the store: the next build writes it again.
    current_app.logger.error("National file %s.%s missing from the store", name, extension)
    return file, None


def _decompressed(stored):
    """The stored body as it was written, a piece at a time, for a client taking no gzip."""
    with stored, gzip.GzipFile(fileobj=stored, mode="rb") as body:
        while piece := body.read(64 * 1024):
            yield piece


@bp.get("/municipalidades/respuestas")
@cached(OBSERVATIONS, MUNICIPALITIES, national=True)
def answers():
    """Which municipalities answer their vigilance committees on time: a league table."""
    departments, department, _provinces, _province = place_filters()
    rows = national.league(department and department.code)
    return render_template("national/answers.html", departments=departments,
                           department=department,
                           page=Page.of(rows, request.args.get("page", 1, type=int),
                                           national.PAGE_SIZE),
                           days=current_app.config["OBSERVATION_ANSWER_DAYS"])


@bp.route("/municipalidades/administradores", methods=["GET", "POST"])
@requires("manage_municipalities")
def admins():
    """A national admin gives each municipality its first administrator, who then manages
    its accounts and committees themselves."""
    form = AdminAppointmentForm()
    if form.validate_on_submit():
        with refusal_shown(form):
            user = appoint_admin(current_user, form.municipality.data, form.email.data,
                                 form.display_name.data)
            flash(_l("%(email)s administers %(municipality)s: a link to choose their "
                     "password was e-mailed to them.", email=user.email,
                     municipality=user.registered.title if user.registered
                     else national.first_title()), "success")
            return redirect(url_for("national.admins"))
    page = db.paginate(national.administrators(), per_page=ADMINS_PER_PAGE, error_out=False)
    return form_page("national/admins.html", form, page=page,
                     first_name=national.first_title())
