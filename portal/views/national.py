"""The national view: Peru's municipalities, department by department, each with whether its
plan is loaded and how it stands, on a map drawn on the server and in a table alike."""
from collections import Counter

from flask import Blueprint, render_template, request

from models.cache import MUNICIPALITIES, OBSERVATIONS, REPORTS
from portal.page_cache import cached
from portal.services import national
from portal.translation import lazy_gettext as _l
from portal.views.charts import map_class, points_map

bp = Blueprint("national", __name__)


class Listing:
    """One page of a list already read, with what the pager macro asks of it."""

    def __init__(self, items, page, per_page):
        self.total = len(items)
        self.pages = max(1, -(-self.total // per_page))
        self.page = min(max(page, 1), self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1


@bp.get("/municipalidades")
@cached(REPORTS, OBSERVATIONS, MUNICIPALITIES)
def index():
    departments = national.departments()
    department = request.args.get("departamento", "")
    department = next((d for d in departments if d.code == department), None)
    provinces = national.provinces(department.code) if department else []
    province = request.args.get("provincia", "")
    province = next(((code, name) for code, name in provinces if code == province), None)
    query = request.args.get("q", "")[:100].strip()
    filtered = bool(department or query)
    found = national.standings(national.found(
        department=department and department.code, province=province and province[0],
        query=query))
    # Without a filter, the table lists the municipalities whose plan is loaded.
    listed = found if filtered else [s for s in found if s.plan is not None]
    page = Listing(listed, request.args.get("page", 1, type=int), national.PAGE_SIZE)
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
        found=found, classes=classes, map=points_map(str(title), str(description), drawn),
        total=sum(d.municipalities for d in departments),
        loaded=sum(d.with_plan for d in departments))
