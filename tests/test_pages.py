"""The pages a resident reads, in Spanish by default and in English on request."""
import re

import pytest

from tests.conftest import sign_in, text_of


def test_home_shows_the_four_dimensions_with_their_numbers(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Plan de gobierno 2019–2022" in page
    assert "MUNICIPALIDAD PROVINCIAL DE ILO - MOQUEGUA" in page
    assert "71 metas en total." in page
    assert "Dimensión Social 6 problemas 8 objetivos 28 metas" in page
    assert "Dimensión Institucional 3 problemas 4 objetivos 11 metas" in page
    html = response.get_data(as_text=True)
    for code in "SEAI":
        assert f'href="/dimensiones/{code}"' in html


def test_pages_need_no_script_and_declare_their_language(client):
    html = client.get("/metas/S7.6").get_data(as_text=True)
    # Only deferred enhancement from our own files: no inline script, no handlers.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/counter.js" defer>']
    assert re.search(r"\son[a-z]+=", html) is None
    assert '<html lang="es">' in html
    assert 'name="viewport"' in html


def test_dimension_page_lists_problems_objectives_and_goals(client):
    response = client.get("/dimensiones/E")
    page = text_of(response)
    assert response.status_code == 200
    assert "Dimensión Económica" in page
    assert "Problema identificado 2" in page
    assert "E5 Objetivo estratégico Promover la construcción del nuevo Puerto de Ilo" in page
    assert ("E1.5 05 Proyectos para la organización de eventos nacionales e internacionales. "
            "Meta: 5 Proyecto") in page
    assert 'href="/metas/E7.1"' in response.get_data(as_text=True)


def test_a_goal_without_a_number_says_so(client):
    page = text_of(client.get("/dimensiones/S"))
    assert "S3.1 Casa de la juventud brindando servicios Sin cantidad en el plan Otro compromiso" \
        in page


def test_goal_page_shows_the_whole_commitment_in_context(client):
    response = client.get("/metas/S7.6")
    page = text_of(response)
    assert response.status_code == 200
    assert ("Meta S7.6 05 Proyectos de inversión para ampliación y equipamiento del puestos de "
            "salud existentes en la provincia de Ilo.") in page
    assert "Meta al 2022 5" in page
    assert "Tipo Proyecto" in page
    assert "Dimensión Social" in page
    assert ("Problema identificado Los servicios de salud en la provincia requieren mejorar la "
            "calidad en beneficio de la calidad de vida de la población") in page
    assert ("Objetivo estratégico S7 Mejorar de la cobertura y de la calidad de los servicios "
            "de salud") in page
    assert "Todas las metas del objetivo S7" in page
    assert "<title>Meta S7.6 · Portal de rendición de cuentas</title>" in \
        response.get_data(as_text=True)


def test_goal_codes_are_case_insensitive_but_have_one_address(client):
    response = client.get("/metas/s7.6")
    assert response.status_code == 301
    assert response.headers["Location"] == "/metas/S7.6"
    assert client.get("/dimensiones/a").headers["Location"] == "/dimensiones/A"


@pytest.mark.parametrize("url", ["/metas/S99.1", "/metas/nada", "/dimensiones/X", "/no-existe"])
def test_unknown_addresses_get_a_404_page_in_spanish(client, url):
    response = client.get(url)
    assert response.status_code == 404
    page = text_of(response)
    assert "Página no encontrada" in page
    assert "Ir a la página de inicio" in page


def test_unknown_goal_in_english(english):
    response = english.get("/metas/S99.1")
    assert response.status_code == 404
    page = text_of(response)
    assert "Page not found" in page
    assert "There is no goal with the code S99.1. Goal codes look like S7.6." in page


def test_the_language_switch_is_visible_and_remembered(client):
    html = client.get("/metas/S7.6").get_data(as_text=True)
    assert 'href="/idioma/en?next=/metas/S7.6" lang="en" hreflang="en">English</a>' in html
    response = client.get("/idioma/en?next=/metas/S7.6")
    assert response.status_code == 302
    assert response.headers["Location"] == "/metas/S7.6"
    assert "idioma=en" in response.headers["Set-Cookie"]
    page = text_of(client.get("/metas/S7.6"))
    assert "Target for 2022 5" in page
    assert "Identified problem" in page
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/idioma/es?next=/")
    assert "Meta al 2022" in text_of(client.get("/metas/S7.6"))


def test_plan_texts_stay_as_written_in_english(english):
    page = text_of(english.get("/metas/S7.6"))
    assert "05 Proyectos de inversión para ampliación" in page
    assert "Social dimension" in page


@pytest.mark.parametrize("target", [
    "https://example.org/", "//example.org/", "/\\example.org", "javascript:alert(1)", ""])
def test_the_switch_never_sends_a_visitor_elsewhere(client, target):
    response = client.get("/idioma/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_a_404(client):
    assert client.get("/idioma/fr?next=/").status_code == 404
    assert "Set-Cookie" not in client.get("/idioma/fr?next=/").headers


def test_a_portal_without_a_plan_says_so(tmp_path):
    from app import create_app
    from models import db
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "El plan de gobierno aún no ha sido cargado." in text_of(response)


def test_a_form_without_its_token_is_refused_and_changes_nothing(migrated_app, app, make_user):
    from sqlalchemy import func, select

    from models import Comment, db

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make_user()
        response = client.post("/entrar", data={"email": user[1], "password": "x" * 12})
        assert response.status_code == 400
        assert "El formulario venció o no vino de este portal." in text_of(response)
        assert client.post("/metas/S7.6/comentarios", data={"body": "Hola"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_error_pages_speak_the_readers_language(tmp_path, client, auth, make_user):
    from app import create_app

    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}")

    def fails():
        raise RuntimeError("a bug")
    broken.add_url_rule("/falla", "fails", fails)
    response = broken.test_client().get("/falla")
    assert response.status_code == 500
    assert "Algo falló de nuestro lado" in text_of(response)
    assert "a bug" not in text_of(response)

    auth.sign_in_as(make_user(), "resident")
    forbidden = client.get("/admin/cuentas")
    assert forbidden.status_code == 403
    assert "No tiene permiso para hacer esto" in text_of(forbidden)
    client.set_cookie("idioma", "en")
    assert "You may not do this" in text_of(client.get("/admin/cuentas"))


def test_home_lists_every_goal_with_its_status_without_script(client):
    page = text_of(client.get("/"))
    assert "Ver sus 28 metas y su estado" in page
    assert page.count("Sin reporte") >= 71
    html = client.get("/").get_data(as_text=True)
    assert html.count('<details class="dimension-goals">') == 4
    assert 'href="/metas/I4.2"' in html


def test_a_plan_without_reports_says_so_once(app, client, make_user):
    page = text_of(client.get("/"))
    assert page.count("0 de 71 metas reportadas") == 1
    assert "0 de 28 metas reportadas" not in page
    official = app.test_client()
    sign_in(app, official, make_user("official")[1], "official")
    official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
        "narrative": "Obra en curso."})
    page = text_of(client.get("/"))
    assert "1 de 71 metas tiene reporte" in page
    # Once the plan has reports, a dimension without any says so on its own card.
    assert "0 de 11 metas reportadas" in page


def test_the_first_round_trip_holds_the_commitment_and_its_status(app, make_user):
    """What one round trip brings on a slow phone link (14 KB) holds the commitment."""
    from bench.run import COMMITMENT_MARKERS
    from tests.test_thread import add_comments

    authors = [make_user(name=f"Vecino {n}")[0] for n in range(3)]
    add_comments(app, "S7.6", authors, 100)
    html = app.test_client().get("/metas/S7.6").get_data()
    assert len(html) > 14 * 1024
    first = html[:14 * 1024].decode(errors="ignore")
    for marker in COMMITMENT_MARKERS:
        assert marker in first, marker
    assert "Dimensión" in first and "Problema identificado" in first
