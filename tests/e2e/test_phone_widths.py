"""Every page of the portal on a 360 px phone, with demonstration data in it, for each kind of
reader: nothing wider than the screen, chart labels that can be read, figures that do not
run into each other.

The pages come from the app's URL map, so a page added later is measured without anyone
listing it here; a GET rule this test cannot fill fails the run until it is filled or skipped
below with its reason."""
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from models import (Comment, DeliveryCheck, Evidence, Hearing, HearingQuestion, Observation,
                    Report, ReportRevision, User, db)
from models.base import utcnow
from tests.conftest import PASSWORDS, PLAN_FILE
from tests.e2e.conftest import LIVE_USERS, _live
from tests.e2e.test_reporting import sign_in
from tests.live import serving

PHONE = 360

# GET rules that draw no page of their own, each with the reason.
NOT_PAGES = {
    "static": "style sheets and images",
    "i18n.switch": "sets the language and redirects",
    "transparency.plan_feed": "an Atom feed",
    "transparency.goal_feed": "an Atom feed",
    "transparency.download": "CSV and JSON downloads",
    "national.download": "CSV and JSON downloads",
    "places.geojson": "GeoJSON",
    "api.plan": "JSON",
    "api.goal": "JSON",
    "api.answers": "JSON",
    "api.goal_checks": "JSON",
    "api.openapi": "JSON",
    "health.health": "JSON for the load balancer",
    "reports.template": "a CSV download",
    "accounts.download_data": "a JSON download of one's own data",
    "reports.template_workbook": "an XLSX download",
    "hearings.acta": "the acta's PDF",
    "evidence.show": "the photo itself",
    "evidence.thumbnail": "the photo itself",
}

PARTLY_FULFILLED = "S1.1"

ROLES = ("visitor", "resident", "moderator", "official", "admin")

WIDTHS = """() => ({scroll: document.documentElement.scrollWidth, width: window.innerWidth,
                    client: document.documentElement.clientWidth})"""

# The innermost elements that reach past the screen's right edge, to say what to fix.
WIDE = """(width) => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > width + 0.5)
  .filter(element => ![...element.children].some(child =>
    child.getBoundingClientRect().right > width + 0.5))
  .slice(0, 3).map(element => element.tagName.toLowerCase()
    + (typeof element.className === "string" && element.className.trim()
       ? "." + element.className.trim().split(/\\s+/).join(".") : "")
    + " «" + (element.textContent || "").trim().slice(0, 40) + "»")"""


def a_photo():
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def _demonstration(app):
    """Demonstration data, the staff accounts of the browser tests, and what the demo lacks
    so that no page measured is empty: budgets, hearings with questions and an acta, a photo, a
    resident's check, a reported and a hidden comment, an admin's change, notifications."""
    from portal.commands.maintenance import load_demo
    from portal.services import checks, evidence, feedback, moderation
    from portal.services.accounts import create_user, update_account
    from portal.services.plan import current_plan, goal_by_code
    from portal.storage import storage

    with app.test_request_context():
        load_demo(PLAN_FILE, 30)
        people = {role: create_user(email, name, role, PASSWORDS[role], committees)
                  for role, (email, name, committees) in LIVE_USERS.items()}
        db.session.flush()
        plan, now = current_plan(), utcnow()
        past = Hearing(plan=plan, held_at=now - timedelta(days=20), place="Coliseo municipal "
                       "de Pacocha, Av. Principal s/n", first_quarter="2021-T1",
                       last_quarter="2021-T4", questions_until=now - timedelta(days=25),
                       created_by_id=people["official"].id)
        past.acta_key, past.acta_sha256 = storage().save(b"%PDF-1.4 acta", ".pdf")
        past.acta_uploaded_at = now
        coming = Hearing(plan=plan, held_at=now + timedelta(days=30), place="Auditorio de la "
                         "Municipalidad Provincial de Ilo", first_quarter="2022-T1",
                         last_quarter="2022-T2", questions_until=now + timedelta(days=25),
                         created_by_id=people["official"].id)
        db.session.add_all([past, coming])
        goal = goal_by_code("S7.6")
        for number, hearing in enumerate((past, past, coming)):
            db.session.add(HearingQuestion(
                hearing=hearing, author_id=people["resident"].id, goal=goal,
                body=f"¿Cuándo abre el puesto de salud número {number}? " * 3,
                answer="En el primer trimestre, con el equipamiento completo." if number == 0
                else None, answered_at=now if number == 0 else None,
                answered_by_id=people["official"].id if number == 0 else None))
        report = db.session.scalars(select(Report).where(Report.goal_id == goal.id)
                                    .order_by(Report.quarter.desc())).first()
        for revision in db.session.scalars(select(ReportRevision).join(Report).where(
                Report.quarter == past.last_quarter).limit(12)):
            revision.pim, revision.devengado = Decimal("1250000.50"), Decimal("980000.25")
        for revision in db.session.scalars(select(ReportRevision).join(Report).where(
                Report.goal.has(code=PARTLY_FULFILLED))):  # the longest status, two decimals
            revision.status, revision.progress_pct = "cumplida_parcialmente", Decimal("60.5")
        evidence.attach(people["official"], report.current, a_photo(), "puesto.jpg",
                        "El puesto de salud terminado", now.date(), keep_place=False)
        claimed = next(g for g in plan.goals if checks.claim_of(g) is not None)
        checks.answer(people["resident"], claimed, "no", "No lo vi terminado.", "Pampa Inalámbrica",
                      (a_photo(), "vi.jpg", now.date()))
        comments = db.session.scalars(select(Comment).where(Comment.goal_id == goal.id)
                                      .order_by(Comment.id).limit(2)).all()
        moderation.flag_comment(people["resident"], comments[0], "offensive")
        moderation.hide_comment(people["moderator"], comments[1], "spam", "Publicidad repetida.")
        feedback.post_comment(people["resident"], goal, "Muy lento. " * 40, stars=2)
        update_account(people["admin"], people["moderator"], "moderator", ["COPALE", "CODISEC"])
        db.session.commit()
        return {role: user.id for role, user in people.items()}


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory):
    from app import create_app

    folder = tmp_path_factory.mktemp("phone")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'demo.sqlite3'}",
                     WTF_CSRF_ENABLED=True, FILES_ROOT=str(folder / "files"),
                     SIGN_IN_LIMIT="1000 per minute")
    people = _demonstration(app)
    earlier = _live.get("app")
    _live["app"] = app  # the second factor of a returning official is read from this app
    with serving(app) as base:
        yield app, base, people
    if earlier is not None:
        _live["app"] = earlier
    with app.app_context():
        db.engine.dispose()


def parameters(app, people):
    """A value for every argument of a GET rule, per endpoint where one name means several
    things (``code`` is a goal, a dimension, an objective or a committee)."""
    from portal.services.accounts import _serializer, _password_stamp
    from portal.services.notifications import unsubscribe_token
    from portal.services.plan import current_plan
    from portal.services.places import all_places

    with app.test_request_context():
        plan = current_plan()
        resident = db.session.get(User, people["resident"])
        goal = "S7.6"
        comment = db.session.scalar(select(Comment.id).where(Comment.author_id == resident.id))
        observation = db.session.scalar(select(Observation).order_by(Observation.id))
        hearing = db.session.scalar(select(Hearing.id).where(Hearing.acta_key.is_not(None)))
        evidence = db.session.scalar(select(Evidence.id).order_by(Evidence.id))
        check = db.session.scalar(select(DeliveryCheck).order_by(DeliveryCheck.id))
        report = db.session.scalars(select(Report).where(Report.goal.has(code=goal))
                                    .order_by(Report.quarter.desc())).first()
        return {
            "term": plan.term,
            "quarter": report.quarter,
            "hearing_id": hearing,
            "comment_id": comment,
            "observation_id": observation.id,
            "evidence_id": evidence,
            "check_id": check.id,
            # The goal the resident's check is about, so that its list of checks is not empty.
            ("evidence.checks_of_goal", "code"): check.goal.code,
            "user_id": people["moderator"],
            "slug": all_places()[0].slug,
            ("plan.dimension", "code"): goal[0],
            ("plan.objective", "code"): goal.split(".")[0],
            ("committees.show", "code"): observation.committee.code,
            ("committees.scope", "code"): observation.committee.code,
            "code": goal,
            ("accounts.confirm", "token"): "enlace-caducado",
            ("accounts.confirm_email_change", "token"): "enlace-caducado",
            ("accounts.reset_password", "token"): _serializer("reset-password").dumps(
                {"user": resident.id, "stamp": _password_stamp(resident)}),
            ("notifications.unsubscribe", "token"): unsubscribe_token(resident.id,
                                                                      "comment_replied"),
        }


def page_addresses(app, people):
    """Every page the portal draws on GET, its parameters filled from the data: one address
    per endpoint, as a term's copy of a page (``/periodos/<term>/…``) is the same view."""
    values = parameters(app, people)
    addresses, unfilled, seen = [], [], set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (len(rule.arguments), rule.rule)):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint in seen:
            continue
        seen.add(rule.endpoint)
        address = rule.rule
        for argument in rule.arguments:
            value = values.get((rule.endpoint, argument), values.get(argument))
            if value is None:
                unfilled.append(f"{rule.rule} ({rule.endpoint}): <{argument}>")
                continue
            address = re.sub(rf"<(?:[^:>]+:)?{argument}>", str(value), address)
        addresses.append(address)
    assert not unfilled, ("GET rules this test cannot fill: give them a value in "
                          f"parameters() or a reason in NOT_PAGES: {unfilled}")
    return addresses


@pytest.fixture(scope="module")
def phones(browser, demo_portal):
    """One phone per kind of reader, signed in as that person."""
    app, base, people = demo_portal
    contexts, pages = [], {}
    for role in ROLES:
        context = browser.new_context(viewport={"width": PHONE, "height": 740}, is_mobile=True,
                                      has_touch=True, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "visitor":
            sign_in(page, base, role)
        pages[role] = page
    yield pages
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(demo_portal, phones, role):
    app, base, people = demo_portal
    page = phones[role]
    too_wide = []
    for address in page_addresses(app, people):
        page.goto(base + address)
        measure = page.evaluate(WIDTHS)
        if max(measure.values()) > PHONE:
            too_wide.append(f"{address} → {page.url[len(base):]}: {measure['scroll']} px, "
                            f"{page.evaluate(WIDE, PHONE)}")
    assert not too_wide, "\n".join(too_wide)


def test_a_wide_table_scrolls_in_its_own_region_with_a_cue(demo_portal, phones):
    app, base, people = demo_portal
    page = phones["visitor"]
    page.goto(base + "/respuestas")
    region = page.get_by_role("region",
                              name="Observaciones y respuestas por trimestre de publicación y comité")
    assert region.evaluate("region => region.scrollWidth > region.clientWidth")
    assert "gradient" in region.evaluate("region => getComputedStyle(region).backgroundImage")
    region.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")


RENDERED_FONT = """() => [...document.querySelectorAll("svg.chart text")].map(text =>
  parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""


@pytest.mark.parametrize("address", ["/", "/objetivos/S7", "/metas/S7.6"])
def test_chart_labels_are_legible_on_a_phone(demo_portal, phones, address):
    app, base, people = demo_portal
    page = phones["visitor"]
    page.goto(base + address)
    sizes = page.evaluate(RENDERED_FONT)
    assert sizes and min(sizes) >= 12, sizes


# Pairs of a status badge and a figure whose boxes (every line of them) cross each other.
CROSSING = """() => {
  const boxes = selector => [...document.querySelectorAll(selector)]
    .flatMap(element => [...element.getClientRects()].map(box => [element, box]));
  const crossing = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
                             && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const found = [];
  for (const [badge, a] of boxes(".status"))
    for (const [figure, b] of boxes(".status-note"))
      if (crossing(a, b)) found.push(badge.textContent.trim() + " / " + figure.textContent.trim());
  return found;
}"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_status_badge_never_runs_into_its_figure(demo_portal, browser, width, language):
    app, base, people = demo_portal
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{base}/idioma/{language}?next=/")
        for address in (f"/dimensiones/{PARTLY_FULFILLED[0]}",
                        f"/objetivos/{PARTLY_FULFILLED.split('.')[0]}",
                        f"/metas/{PARTLY_FULFILLED}"):
            page.goto(base + address)
            badge = page.locator(".status-cumplida_parcialmente").first
            assert badge.inner_text() in ("Cumplida parcialmente", "Partly fulfilled")
            assert page.evaluate(CROSSING) == [], address
    finally:
        context.close()
