"""The national view of Peru's municipalities: /municipalidades."""
import csv
import gzip
import io
import re

import pytest

from tests.conftest import text_of
from tests.test_evidence import files_root  # noqa: F401 (fixture)
from tests.test_notifications import publish, queued_app, scheduled  # noqa: F401 (fixture)
from tests.test_thread import browser, goal_page_queries, selects


def test_every_department_and_the_municipalities_with_a_plan(client):
    page = client.get("/municipalidades")
    text = text_of(page)
    assert "1893 municipalidades en el registro del INEI; 2 con su plan de gobierno" in text
    html = page.get_data(as_text=True)
    assert 'href="/municipalidades?departamento=18">Moquegua</a></td><td>21</td><td>2</td>' in html
    # The municipalities with a plan, each linked to its home: Ilo at its bare address.
    assert '<a href="/">Municipalidad Provincial de Ilo</a>' in html
    assert '<a href="/m/pacocha/">Municipalidad Distrital de Pacocha</a>' in html
    assert "2019–2022" in text and "2027–2030" in text


def test_the_map_is_drawn_on_the_server_with_its_figures_said(client):
    html = client.get("/municipalidades").get_data(as_text=True)
    svg = re.search(r'<svg class="map" role="img".*?</svg>', html, re.S).group(0)
    assert "<script" not in html.split("<footer")[0].split("<main")[-1]
    assert re.search(r"<desc[^>]*>1639 de 1893 municipalidades dibujadas en su capital; 2 con "
                     r"su plan cargado", svg)
    dots = sum(len(re.findall(r"M[\d.]+ [\d.]+h0", path))
               for path in re.findall(r'd="([^"]*)"', svg))
    assert dots == 1639
    assert "Sin plan cargado: 1637" in text_of(client.get("/municipalidades"))


def test_a_department_a_province_and_a_name_filter_the_list(client):
    moquegua = text_of(client.get("/municipalidades?departamento=18"))
    assert "21 municipalidades encontradas" in moquegua
    assert "Municipalidad Distrital de El Algarrobal" in moquegua
    ilo = text_of(client.get("/municipalidades?departamento=18&provincia=1803"))
    assert "3 municipalidades encontradas" in ilo
    # Accents and case aside, and the province's name counts.
    found = text_of(client.get("/municipalidades?q=santa+rosa+pallasca"))
    assert "1 municipalidad encontrada" in found
    assert "Municipalidad Distrital de Santa Rosa" in found
    assert "1 municipalidad encontrada" in text_of(client.get("/municipalidades?q=EL+ALGARROBAL"))
    assert "ÁNCASH" not in found
    assert "Ninguna municipalidad coincide" in text_of(client.get("/municipalidades?q=zzzz"))


def test_a_long_list_is_paged(client):
    first = client.get("/municipalidades?departamento=15")  # Lima: 171 municipalities
    assert "171 municipalidades encontradas" in text_of(first)
    assert "Página 1 de 2" in text_of(first)
    assert 'href="/municipalidades?page=2&amp;departamento=15"' in first.get_data(as_text=True)
    assert "Página 2 de 2" in text_of(client.get("/municipalidades?departamento=15&page=2"))


def test_a_municipality_shows_its_progress_and_answers(app, make_user):
    publish(app, browser(app, make_user("official"), "official"), progress_pct="71")
    text = text_of(app.test_client().get("/municipalidades?departamento=18&provincia=1803"))
    assert "1 %, 1 de 71 metas reportadas" in text


def statements_of(app, url):
    """The SELECTs a visitor's page sends, drawn (the page cache off)."""
    app.config["PAGE_CACHE"] = False
    try:
        return selects(goal_page_queries(app, app.test_client(), url))
    finally:
        app.config["PAGE_CACHE"] = True


@pytest.mark.parametrize("url", ["/municipalidades", "/municipalidades?departamento=18",
                                 "/municipalidades?q=santa", "/municipalidades?departamento=15"])
def test_the_national_view_sends_a_constant_number_of_statements(app, url):
    statements = statements_of(app, url)
    # The departments, a department's provinces, the municipalities found, their plans, and
    # those plans' progress and answers: never one per municipality.
    assert len(statements) <= 6, "\n".join(statements)


def test_goals_of_every_municipality_are_found_by_words_accents_aside(client):
    found = client.get("/municipalidades/metas?q=salud")
    text, html = text_of(found), found.get_data(as_text=True)
    assert "13 metas encontradas." in text
    assert 'href="/metas/S7.6"' in html and 'href="/m/pacocha/metas/S1.1"' in html
    assert "13 metas encontradas." in text_of(client.get("/municipalidades/metas?q=SALÚD"))


@pytest.mark.parametrize("filters, count", [
    ("municipalidad=pacocha", 10),
    ("municipalidad=180303&dimension=E", 2),
    ("departamento=18&provincia=1803&dimension=A", 14 + 2),
    ("departamento=15", 0),
    ("estado=sin_reporte", 81),
    ("estado=en_ejecucion", 0),
])
def test_goals_are_filtered_by_place_dimension_and_status(client, filters, count):
    text = text_of(client.get(f"/municipalidades/metas?{filters}"))
    assert (f"{count} metas encontradas." if count != 1 else "1 meta encontrada.") in text


def test_a_goal_is_found_by_its_latest_status_and_the_list_is_paged(app, make_user):
    publish(app, browser(app, make_user("official"), "official"), progress_pct="40")
    client = app.test_client()
    running = text_of(client.get("/municipalidades/metas?estado=en_ejecucion"))
    assert "1 meta encontrada." in running and "En ejecución, 40 %" in running
    assert "80 metas encontradas." in text_of(
        client.get("/municipalidades/metas?estado=sin_reporte"))
    first = text_of(client.get("/municipalidades/metas"))
    assert "81 metas encontradas." in first and "Página 1 de 2" in first
    assert "Página 2 de 2" in text_of(client.get("/municipalidades/metas?page=2"))


@pytest.mark.parametrize("url", ["/municipalidades/metas", "/municipalidades/metas?q=salud",
                                 "/municipalidades/metas?departamento=18&estado=sin_reporte"])
def test_the_national_search_sends_a_constant_number_of_statements(app, url):
    statements = statements_of(app, url)
    # The departments, a department's provinces, the goals counted and one page of them.
    assert len(statements) <= 4, "\n".join(statements)


def build(app, *names):
    from portal.services.opendata import build_national
    with app.app_context():
        return [(file.name, file.extension, file.key) for file in build_national(names)]


def test_the_open_data_of_every_municipality_name_each_rows_municipality(app, client,
                                                                         files_root):
    # Until the night's build, the page says so and the files are not found.
    assert "aún no construido" in text_of(client.get("/municipalidades/datos"))
    missing = client.get("/municipalidades/datos/metas.csv")
    assert missing.status_code == 404 and "se construyen cada noche" in text_of(missing)
    build(app)
    page = text_of(client.get("/municipalidades/datos"))
    assert "peru-metas.csv : 81 filas" in page and "construido el" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get("/municipalidades/datos/metas.csv").get_data(as_text=True))))
    assert len(rows) == 71 + 10
    assert list(rows[0])[:5] == ["ubigeo", "municipality", "demonstration", "plan", "code"]
    by_place = {(row["ubigeo"], row["code"]): row for row in rows}
    assert by_place[("180301", "S7.6")]["plan"] == "2019-2022"
    assert by_place[("180303", "S1.2")]["indicator"] == "Número de puestos de salud equipados"
    assert by_place[("180303", "S1.2")]["municipality"] == (
        "Municipalidad Distrital de Pacocha - Ilo, Moquegua")
    # Pacocha's plan in the tests is a demonstration; Ilo's was filed with the JNE.
    assert by_place[("180301", "S7.6")]["demonstration"] == "false"
    assert by_place[("180303", "S1.2")]["demonstration"] == "true"
    ratings = client.get("/municipalidades/datos/calificaciones.json").get_json()
    assert {row["ubigeo"] for row in ratings} == {"180301", "180303"}
    assert client.get("/municipalidades/datos/nada.csv").status_code == 404
    assert client.get("/municipalidades/datos/metas.xml").status_code == 404


def test_a_national_file_is_sent_as_stored_to_whoever_takes_gzip(app, client, files_root):
    build(app, "metas")
    plain = client.get("/municipalidades/datos/metas.json")
    packed = client.get("/municipalidades/datos/metas.json",
                        headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in (
        plain.headers)
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert int(plain.headers["Content-Length"]) == len(plain.get_data())
    assert len(plain.get_json()) == 81 and "Last-Modified" in plain.headers
    with app.app_context():
        from portal.opendata import DATASETS
        from portal.services.plan import plan_tree
        # The same rows as the municipality's own dataset, its municipality in front.
        ilo = [row for row in plain.get_json() if row["ubigeo"] == "180301"]
        with app.test_request_context():
            own = DATASETS["metas"].as_json(plan_tree())
        assert [{k: v for k, v in row.items()
                 if k not in ("ubigeo", "municipality", "demonstration")} for row in ilo] == own


def test_a_build_replaces_the_files_and_lets_the_old_ones_go(app, make_user, files_root):
    (_, _, csv_key), (_, _, json_key) = build(app, "calificaciones")
    again = build(app, "calificaciones")
    assert [key for _, _, key in again] == [csv_key, json_key]  # nothing changed, same files
    resident = browser(app, make_user(), "resident")
    resident.post("/metas/S7.6/calificacion", data={"stars": "4"})
    (_, _, new_csv), (_, _, new_json) = build(app, "calificaciones")
    assert new_csv != csv_key and new_json != json_key
    assert not (files_root / csv_key).exists() and not (files_root / json_key).exists()
    assert (files_root / new_csv).exists()
    rows = list(csv.DictReader(io.StringIO(app.test_client().get(
        "/municipalidades/datos/calificaciones.csv").get_data(as_text=True))))
    s76 = next(row for row in rows if row["ubigeo"] == "180301" and row["goal_code"] == "S7.6")
    assert s76["count"] == "1" and s76["stars_4"] == "1"


def test_a_file_lost_from_the_store_is_not_found_until_built_again(app, client, files_root):
    (_, _, key), _json = build(app, "respuestas")
    (files_root / key).unlink()
    lost = client.get("/municipalidades/datos/respuestas.csv")
    assert lost.status_code == 404 and "se construyen cada noche" in text_of(lost)
    build(app, "respuestas")
    assert client.get("/municipalidades/datos/respuestas.csv").status_code == 200


def test_the_command_builds_the_files_and_refuses_an_unknown_dataset(app, files_root):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["opendata", "build", "metas"])
    assert done.exit_code == 0, done.output
    assert "peru-metas.csv: 81 filas" in done.output and "peru-metas.json" in done.output
    refused = runner.invoke(args=["opendata", "build", "nada"])
    assert refused.exit_code != 0 and "nada" in refused.output


def test_one_build_at_a_time(app, files_root):
    from portal.extensions import cache
    from portal.services.opendata import BUILDING, build_national_data
    with app.app_context():
        cache.add(BUILDING, 1)  # a build under way elsewhere
        try:
            refused = app.test_cli_runner().invoke(args=["opendata", "build", "metas"])
            assert refused.exit_code != 0 and "ya" in refused.output
            build_national_data()  # the night's build leaves it be, and ends without error
            assert not any(files_root.rglob("*.gz"))
        finally:
            cache.delete(BUILDING)
    assert app.test_cli_runner().invoke(args=["opendata", "build", "metas"]).exit_code == 0
    assert any(files_root.rglob("*.gz"))


def test_a_nightly_build_that_fails_leaves_the_next_on_the_schedule(queued_app,
                                                                    monkeypatch):
    from portal.services import opendata

    def broken(names=None):
        raise RuntimeError("the file store is full")
    monkeypatch.setattr(opendata, "build_national", broken)
    with queued_app.app_context():
        with pytest.raises(RuntimeError):
            opendata.build_national_data()
        assert scheduled("national-data-")


def test_the_worker_schedules_the_nightly_build(queued_app):
    from portal import jobs
    from portal.services.opendata import schedule_national_data
    with queued_app.app_context():
        schedule_national_data()
        schedule_national_data()  # the worker started twice: still one build that night
        nightly = scheduled("national-data-")
        assert len(nightly) == 1
        # Every plan of the register takes minutes: more than a queue's jobs are given.
        assert jobs.queue().fetch_job(nightly[0]).timeout == 2 * 3600


def test_the_league_of_answers_puts_those_answering_on_time_first(app, make_user):
    member = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    member.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Faltan camillas."})
    client = app.test_client()
    page = client.get("/municipalidades/respuestas?departamento=18")
    html = page.get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert [re.search(r">([^<]+)</a>", row).group(1) for row in rows] == [
        "Municipalidad Provincial de Ilo", "Municipalidad Distrital de Pacocha"]
    assert 'href="/respuestas"' in rows[0] and 'href="/m/pacocha/respuestas"' in rows[1]
    assert re.findall(r"<td>([^<]*)</td>", rows[0]) == ["1", "0", "0 (0 %)", "—"]
    from models import Observation, db
    from sqlalchemy import select
    with app.app_context():
        observation = db.session.scalar(select(Observation.id))
    official = browser(app, make_user("official"), "official")
    official.post(f"/observaciones/{observation}/respuesta", data={"body": "Llegan en abril."})
    html = client.get("/municipalidades/respuestas?departamento=18").get_data(as_text=True)
    first = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)[0]
    assert re.findall(r"<td>([^<]*)</td>", first) == ["1", "1", "1 (100 %)", "0 días"]
    assert "Ninguna municipalidad tiene aún su plan cargado." in text_of(
        client.get("/municipalidades/respuestas?departamento=15"))
    assert len(statements_of(app, "/municipalidades/respuestas")) <= 5
