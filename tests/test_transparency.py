"""Charts, the promise gap, the hearing snapshot, open data, feeds and search."""
import csv
import io
import re
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import func, select

from models import Observation, Rating, ReportRevision, User, db
from portal.views import charts
from portal.services.observations import post_observation, respond
from portal.services.ratings import rate
from portal.services.plan import goal_by_code
from portal.services.reports import ReportInput, publish
from tests.conftest import text_of

SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"



def svgs(html):
    return [etree.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", html, re.S)]


def chart_texts(svg):
    return [t.text for t in svg.iter(f"{SVG}text")]


def test_a_bar_chart_carries_its_figures_in_title_description_and_text(app):
    with app.test_request_context():
        svg = etree.fromstring(str(charts.progress_bars(
            "Avance por dimensión", [("Social", Decimal("12.5")), ("Económica", 0)])))
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title").text
    assert title == "Avance por dimensión. Social: 12.5 %; Económica: 0 %"
    assert svg.find(f"{SVG}desc").text == "Social: 12.5 %; Económica: 0 %"
    assert chart_texts(svg) == ["Social", "12.5 %", "Económica", "0 %"]
    widths = [r.get("width") for r in svg.iter(f"{SVG}rect") if "chart-bar" in r.get("class")]
    assert widths == ["12.5%", "0.0%"], "bars run across in percentages of the width"
    assert svg.get("viewBox") is None, "nothing scales the labels down on a phone"


def test_the_step_chart_marks_each_reported_quarter(app):
    with app.test_request_context():
        svg = etree.fromstring(str(charts.progress_over_quarters(
            "Avance", ["2021-T1", "2021-T2", "2021-T3", "2021-T4"],
            {"2021-T2": Decimal("20"), "2021-T4": Decimal("40")})))
    assert svg.find(f"{SVG}desc").text == "2021-T2: 20 %; 2021-T4: 40 %"
    assert len(list(svg.iter(f"{SVG}circle"))) == 2
    assert "20 %" in chart_texts(svg) and "40 %" in chart_texts(svg)


def test_english_charts_use_english_numbers(app):
    with app.test_request_context(headers={"Cookie": "idioma=en"}):
        svg = etree.fromstring(str(charts.progress_bars("Progress", [("Social", 1234.5)])))
    assert "1,234.5 %" in chart_texts(svg)


@pytest.fixture
def activity(app, make_user):
    """Reports on S7.6 and S7.5, ratings by three residents, an observation answered and
    one waiting."""
    official = make_user("official")[0]
    member = make_user("moderator", committees=("CMS",))[0]
    residents = [make_user()[0] for _ in range(3)]
    with app.test_request_context():
        get = lambda user_id: db.session.get(User, user_id)  # noqa: E731
        s76, s75 = goal_by_code("S7.6"), goal_by_code("S7.5")
        publish(get(official), s76, "2021-T2", ReportInput(
            "en_ejecucion", Decimal("20"), 1, "Primer puesto.", ("Informe 1",)))
        publish(get(official), s76, "2021-T3", ReportInput(
            "en_ejecucion", Decimal("80"), 4, "Cuatro puestos.", ("Informe 2",), None,
            Decimal("1250000.50"), Decimal("900000"), "2345678"))
        publish(get(official), s76, "2021-T3", ReportInput(
            "en_ejecucion", Decimal("70"), 3, "Tres puestos.", ("Informe 2",), None,
            Decimal("1250000.50"), Decimal("900000"), "2345678"), reason="Se contó de más.")
        publish(get(official), s75, "2021-T1", ReportInput(
            "en_ejecucion", Decimal("10"), 0, "Inicio.", ()))
        for resident in residents:
            rate(get(resident), s76, 1)
        rate(get(residents[0]), s75, 4)
        answered = post_observation(get(member), s76, "CMS", "alerta", "Faltan médicos.", None)
        respond(get(official), answered, "Se convocó a concurso.")
        post_observation(get(member), s75, "CMS", "recomendacion", "Más campañas.", None)
        db.session.commit()


def test_home_charts_show_the_plan_by_dimension_and_status(client, activity):
    html = client.get("/").get_data(as_text=True)
    charts_on_page = svgs(html)
    assert len(charts_on_page) == 2
    by_dimension, by_status = charts_on_page
    # (70 + 10) / 28 Social goals
    assert "Dimensión Social: 2.9 %" in by_dimension.find(f"{SVG}title").text
    assert "Dimensión Económica: 0 %" in by_dimension.find(f"{SVG}title").text
    assert chart_texts(by_status) == ["En ejecución", "1", "Sin reporte", "70"]


def test_goal_page_charts_progress_delivery_and_the_two_voices(client, activity):
    html = client.get("/metas/S7.6").get_data(as_text=True)
    titles = [svg.find(f"{SVG}title").text for svg in svgs(html)]
    assert ("Avance oficial y calificación de los vecinos de la meta S7.6. Avance oficial: 70 %; "
            "Calificación de los vecinos: 1.0 de 5") in titles
    assert ("Avance físico de la meta S7.6 por trimestre. 2021-T2: 20 %; 2021-T3: 70 %"
            in titles)
    assert "Entregado frente a la meta S7.6. Entregado: 3 de 5" in titles


def test_the_promise_gap_ranks_disagreement_and_lists_silent_goals(client, activity):
    page = text_of(client.get("/brecha"))
    assert "S7.6" in page and "70 %" in page and "1.0 de 5" in page
    assert "70 puntos más de avance reportado del que perciben los vecinos" in page
    # S7.5 has one rating only: below the minimum of three.
    assert "10 %" not in page.split("Metas sin reporte")[0]
    silent = page.split("Metas sin reporte desde hace dos trimestres o más")[1]
    assert "S7.5" in silent and "2 trimestres sin reporte" in silent
    assert "S1.1" in silent and "nunca reportada" in silent
    assert "S7.6" not in silent


def test_the_promise_gap_without_reports(client):
    page = text_of(client.get("/brecha"))
    assert "Ninguna meta tiene aún un reporte oficial y suficientes calificaciones." in page
    assert "La municipalidad aún no ha publicado ningún reporte de avance." in page


def test_the_snapshot_for_a_quarter_with_reports(client, activity):
    response = client.get("/audiencia/2021-T2")
    page = text_of(response)
    assert response.status_code == 200
    assert "Resumen para la audiencia pública, 2021-T2" in page
    assert "S7.6 05 Proyectos de inversión para ampliación y equipamiento del puestos de salud " \
           "existentes en la provincia de Ilo. En ejecución 20 % 1 de 5 1.0 de 5 (3)" in page
    assert "S7.5" in page and "Sin reporte (último: 2021-T1, En ejecución, 10 %)" in page
    assert "Observaciones que esperan respuesta de la municipalidad" in page
    assert "Más campañas." in page and "Faltan médicos." not in page
    html = response.get_data(as_text=True)
    assert html.count('class="snapshot-dimension"') == 4
    assert "break-before: page" in client.get("/static/portal.css").get_data(as_text=True)


def test_the_snapshot_for_a_quarter_without_reports(client):
    page = text_of(client.get("/audiencia/2019-T1"))
    assert page.count("Sin reporte") >= 71
    assert "S1.1" in page and "I4.2" in page
    assert client.get("/audiencia/2030-T1").status_code == 404
    assert client.get("/audiencia").headers["Location"].endswith("/audiencia/2022-T4")


def parse_csv(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_goal_downloads_match_the_database(client, activity):
    rows = parse_csv(client.get("/datos/metas.csv"))
    document = client.get("/datos/metas.json").get_json()
    assert len(rows) == len(document) == 71
    s76 = next(r for r in rows if r["code"] == "S7.6")
    assert s76["target"] == "5" and s76["status"] == "en_ejecucion"
    assert s76["progress_pct"] == "70.00" and s76["delivered"] == "3"
    assert s76["rating_average"] == "1.0" and s76["rating_count"] == "3"
    assert s76["latest_quarter"] == "2021-T3"
    as_json = next(g for g in document if g["code"] == "S7.6")
    assert as_json["rating_count"] == 3 and as_json["target"] == 5
    assert next(r for r in rows if r["code"] == "S3.1")["target"] == ""


def test_report_downloads_hold_every_revision(app, client, activity):
    rows = parse_csv(client.get("/datos/reportes.csv"))
    with app.app_context():
        revisions = db.session.scalar(select(func.count()).select_from(ReportRevision))
    assert len(rows) == revisions == 4
    corrected = [r for r in rows if r["quarter"] == "2021-T3"]
    assert [(r["revision"], r["current"], r["progress_pct"]) for r in corrected] == [
        ("1", "false", "80.00"), ("2", "true", "70.00")]
    assert corrected[1]["reason"] == "Se contó de más."
    assert corrected[1]["pim"] == "1250000.50"
    document = client.get("/datos/reportes.json").get_json()
    assert [r["revision"] for r in document if r["quarter"] == "2021-T3"] == [1, 2]
    assert next(r for r in document if r["quarter"] == "2021-T2")["sources"] == ["Informe 1"]


def test_observation_and_rating_downloads(app, client, activity):
    observations = client.get("/datos/observaciones.json").get_json()
    with app.app_context():
        assert len(observations) == db.session.scalar(
            select(func.count()).select_from(Observation))
    answered = next(o for o in observations if o["goal_code"] == "S7.6")
    assert answered["committee_code"] == "CMS" and answered["response"] == "Se convocó a concurso."
    ratings = {r["goal_code"]: r for r in parse_csv(client.get("/datos/calificaciones.csv"))}
    assert (ratings["S7.6"]["count"], ratings["S7.6"]["average"], ratings["S7.6"]["stars_1"]) \
        == ("3", "1.0", "3")
    with app.app_context():
        assert sum(int(r["count"]) for r in ratings.values()) == db.session.scalar(
            select(func.count()).select_from(Rating))


def test_downloads_hold_no_personal_data(client, activity):
    for name in ("metas", "reportes", "observaciones", "calificaciones"):
        for extension in ("csv", "json"):
            body = client.get(f"/datos/{name}.{extension}").get_data(as_text=True)
            assert "@" not in body and "example.org" not in body


def test_the_data_page_describes_every_field(client):
    page = text_of(client.get("/datos"))
    for field in ("code", "rating_average", "revision", "reason", "committee_code", "stars_5"):
        assert field in page
    assert client.get("/datos/nada.csv").status_code == 404
    assert client.get("/datos/metas.xml").status_code == 404


def parse_atom(response):
    assert response.content_type.startswith("application/atom+xml")
    feed = etree.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)
    return [e.find(f"{ATOM}title").text for e in entries]


def test_the_plan_feed_lists_reports_corrections_observations_and_answers(client, activity):
    titles = parse_atom(client.get("/feed.atom"))
    assert "S7.6: reporte de 2021-T3 corregido" in titles
    assert "S7.6: reporte de 2021-T3 publicado" in titles
    assert "S7.5: Recomendación de CMS" in titles
    assert "S7.6: la municipalidad responde a CMS" in titles
    assert len(titles) == 7


def test_a_goal_feed_lists_only_that_goal(client, activity):
    titles = parse_atom(client.get("/metas/S7.5/feed.atom"))
    assert titles and all(title.startswith("S7.5") for title in titles)
    assert parse_atom(client.get("/metas/S1.1/feed.atom")) == []


@pytest.mark.parametrize("query, expected", [
    ("educacion", "S4.1"),
    ("EDUCACIÓN", "S4.1"),
    ("educación ambiental", "S4.2"),
    ("desague", "S7.7"),
    ("puestos salud", "S7.6"),
    ("cluster", "S6.2"),
])
def test_search_ignores_accents_and_case(client, query, expected):
    page = client.get("/buscar", query_string={"q": query}).get_data(as_text=True)
    assert f'href="/metas/{expected}"' in page


def test_search_finds_goals_by_their_objective_and_problem(client):
    page = text_of(client.get("/buscar?q=inseguridad ciudadana"))
    assert "4 metas encontradas" in page
    page = text_of(client.get("/buscar?q=zzzz"))
    assert "0 metas encontradas para «zzzz»." in page


@pytest.mark.parametrize("query", ["%", "_", "%%__", "' OR 1=1 --", "a"])
def test_search_takes_odd_input_calmly(client, query):
    response = client.get("/buscar", query_string={"q": query})
    assert response.status_code == 200
    assert 'href="/metas/' not in response.get_data(as_text=True).split("</form>")[1]
