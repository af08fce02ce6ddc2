"""Several terms: the next plan beside this one, this one archived, its links unchanged."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Comment, Goal, Plan, Rating, Report, db
from portal.services.plan import FIRST_PLAN, in_plan
from tests.conftest import text_of
from tests.test_thread import browser, comment_id

NEXT_PLAN = Path(__file__).parent / "data" / "plan-demostracion-2023-2026.json"


@pytest.fixture
def two_terms(app, runner, make_user):
    """A comment on S7.6 of the first plan, then the demonstration 2023–2026 plan loaded."""
    resident = browser(app, make_user(), "resident")
    resident.post("/metas/S7.6/comentarios", data={"body": "Comentario de la gestión pasada."})
    result = runner.invoke(args=["plan", "import", str(NEXT_PLAN)])
    assert result.exit_code == 0, result.output
    assert "El plan 2019-2022 está archivado" in result.output
    return resident


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_links_published_before_keep_opening_the_same_goal(app, two_terms):
    client = app.test_client()
    old = text_of(client.get("/metas/S7.6"))
    assert "puestos de salud existentes en la provincia de Ilo" in old
    assert "Comentario de la gestión pasada." in old
    assert "Este es el archivo del plan de gobierno 2019–2022" in old
    assert client.get("/api/v1/goals/S7.6").get_json()["plan"] == {
        "term": "2019-2022", "archived": True, "demonstration": False}
    assert "S7.6" in client.get("/metas/S7.6/feed.atom").get_data(as_text=True)
    # The same goal with its term written out; the new plan's S1.1 is another goal.
    assert "puestos de salud existentes" in text_of(
        client.get("/periodos/2019-2022/metas/S7.6"))
    new = text_of(client.get("/periodos/2023-2026/metas/S1.1"))
    assert "[Demostración] 02 Puestos de salud de prueba equipados" in new
    assert "Este es el archivo" not in new
    # The next term's plan of the tests was made up, and says so; the archived one was filed.
    assert "Plan de demostración." in new and "Plan de demostración." not in old
    assert client.get("/periodos/2023-2026/metas/S7.6").status_code == 404
    assert client.get("/periodos/2031-2034/").status_code == 404


def test_a_readers_own_rating_is_read_in_the_plan_of_the_address(app, two_terms):
    """S1.1 of the new term is not S1.1 of the archived plan: the stars a resident gave one
    are never shown as given to the other, on the page drawn or kept."""
    resident = two_terms
    with app.app_context():
        archived_s11 = db.session.scalar(in_plan(select(Goal.id), FIRST_PLAN)
                                         .where(Goal.code == "S1.1"))
        author = db.session.scalar(select(Comment.author_id))
        db.session.add(Rating(goal_id=archived_s11, user_id=author, stars=2))
        db.session.commit()
    assert resident.post("/periodos/2023-2026/metas/S1.1/calificacion",
                         data={"stars": "4"}).status_code == 302
    assert "quedó registrada" in text_of(resident.get("/periodos/2023-2026/metas/S1.1"))
    for served in ("miss", "hit"):  # the message shown, the page is kept for its kind
        page = resident.get("/periodos/2023-2026/metas/S1.1")
        assert page.headers["X-Cache"] == served
        assert "Su calificación: 4 de 5." in text_of(page)
        assert "Su calificación: 2 de 5." not in text_of(page)


def test_the_home_page_shows_the_latest_term_and_the_archive_is_one_click_away(app, two_terms):
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Plan de gobierno 2023–2026" in home and "[Demostración] Sin partido" in home
    assert 'href="/periodos/2023-2026/metas/S1.1"' in home  # links stay in the term
    assert 'href="/periodos/2019-2022/"' in home
    archive = client.get("/periodos/2019-2022/")
    page = archive.get_data(as_text=True)
    assert "Plan de gobierno 2019–2022" in page and "Este es el archivo" in page
    assert 'href="/metas/S7.6"' in page  # the first plan's goals keep their addresses
    assert client.get("/api/v1/plan").get_json()["term"] == "2019-2022"
    latest = client.get("/periodos/2023-2026/api/v1/plan").get_json()
    assert latest["term"] == "2023-2026" and latest["archived"] is False
    csv = client.get("/periodos/2023-2026/datos/metas.csv").get_data(as_text=True)
    assert csv.splitlines()[1].startswith("2023-2026,S1.1,")


def test_the_archive_is_read_only_with_a_clear_message(app, two_terms, make_user):
    resident = two_terms
    before = counts(app)
    refused = resident.post("/metas/S7.6/comentarios", data={"body": "¿Y ahora?"})
    assert refused.status_code == 400
    assert "El plan 2019–2022 está archivado" in text_of(refused)
    assert resident.post("/metas/S7.6/calificacion", data={"stars": "3"}).status_code == 400
    old_comment = comment_id(app, "Comentario de la gestión pasada.")
    for path, data in ((f"/comentarios/{old_comment}/responder", {"body": "Respuesta."}),
                       (f"/comentarios/{old_comment}/editar", {"body": "Cambio."}),
                       (f"/comentarios/{old_comment}/eliminar", {}),
                       (f"/comentarios/{old_comment}/reportar", {"reason": "spam"})):
        response = resident.post(path, data=data, follow_redirects=True)
        assert "está archivado" in text_of(response), path
    follow = resident.post("/seguir/goal/S7.6")
    assert follow.status_code == 400 and "está archivado" in text_of(follow)
    official = browser(app, make_user("official"), "official")
    report = official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2022-T4", "status": "en_ejecucion", "progress_pct": "90",
        "narrative": "Tarde."})
    assert report.status_code == 400 and "está archivado" in text_of(report)
    correction = official.post("/metas/S7.6/reportes/2021-T1/corregir", data={
        "status": "en_ejecucion", "progress_pct": "15", "narrative": "Cambio.",
        "reason": "Tarde."})
    assert correction.status_code in (400, 404)
    import io
    upload = official.post("/periodos/2019-2022/reportes/importar", data={
        "quarter": "2022-T4", "file": (io.BytesIO(
            b"code,status,progress_pct,delivered,narrative,sources,cause,pim,devengado,cui\n"
            b"S3.1,no_iniciada,0,,Nada.,,,,,\n"), "r.csv")},
        content_type="multipart/form-data")
    assert upload.status_code == 400 and "está archivado" in text_of(upload)
    member = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    observed = member.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Tarde."})
    assert observed.status_code == 400 and "está archivado" in text_of(observed)
    html = resident.get("/metas/S7.6").get_data(as_text=True)
    assert "comment-form" not in html and "rating-form" not in html  # no forms to add
    assert ">Seguir</button>" not in html and ">Responder</a>" not in html
    assert counts(app) == before
    # The new term takes comments, ratings and reports.
    assert resident.post("/periodos/2023-2026/metas/S1.1/comentarios",
                         data={"body": "Primer comentario del nuevo periodo."}).status_code == 302
    assert "Primer comentario del nuevo periodo." in text_of(
        resident.get("/periodos/2023-2026/metas/S1.1"))
    assert official.post("/periodos/2023-2026/metas/S1.1/reportes/nuevo", data={
        "quarter": "2023-T2", "status": "en_ejecucion", "progress_pct": "10",
        "narrative": "Inicio."}).status_code == 302
    # The office's page and template are the term in office's.
    assert "2026-T4" in text_of(official.get("/reportes/importar"))
    assert official.get("/reportes/plantilla.csv").get_data(as_text=True).count("\n") == 4


def counts(app):
    with app.app_context():
        return [db.session.scalar(select(func.count()).select_from(model))
                for model in (Comment, Rating, Report)]


def test_an_archived_plan_is_not_rewritten_but_can_be_imported_again_unchanged(app, runner,
                                                                               two_terms):
    from tests.conftest import PLAN_FILE

    again = runner.invoke(args=["plan", "import", str(PLAN_FILE)])
    assert again.exit_code == 0, again.output
    assert "Sin cambios" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan).where(
            Plan.address_municipality.is_(None))) == 2


def test_an_overlapping_term_is_refused(app, runner, tmp_path):
    text = NEXT_PLAN.read_text(encoding="utf-8").replace('"period_start": 2023',
                                                         '"period_start": 2021')
    overlapping = tmp_path / "solapado.json"
    overlapping.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(overlapping)])
    assert result.exit_code == 1
    assert "se superpone con el plan 2019-2022" in result.output


def test_hearings_account_for_the_term_in_office(app, two_terms, make_user):
    official = browser(app, make_user("official"), "official")
    from tests.test_hearings import hearing_id, schedule
    assert schedule(official, first="2023-T1", last="2023-T2").status_code == 302
    hearing = hearing_id(app)
    two_terms.post(f"/audiencias/{hearing}/preguntas", data={"body": "¿Y la posta?",
                                                             "goal": "S1.1"})
    page = two_terms.get(f"/audiencias/{hearing}").get_data(as_text=True)
    assert 'href="/periodos/2023-2026/metas/S1.1"' in page
    summary = text_of(app.test_client().get(f"/audiencias/{hearing}/resumen"))
    assert "[Demostración] 02 Puestos de salud de prueba equipados" in summary
    assert "2019–2022" not in summary.split("Resumen para la audiencia")[1][:300]


def test_search_and_following_read_the_plan_of_the_address(app, two_terms):
    client = app.test_client()
    found = text_of(client.get("/periodos/2023-2026/buscar?q=puestos+de+prueba"))
    assert "Puestos de salud de prueba equipados" in found
    assert "Puestos de salud de prueba equipados" not in text_of(
        client.get("/buscar?q=puestos+de+prueba"))
    resident = two_terms
    assert resident.post("/periodos/2023-2026/seguir/goal/S1.1").status_code == 302
    followed = text_of(resident.get("/cuenta/seguimientos"))
    assert "Puestos de salud de prueba equipados" in followed
