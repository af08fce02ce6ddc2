"""A form sent again from the browser's history: the result once, never an error page."""
from sqlalchemy import func, select

from models import Comment, Goal, Report, db
from tests.e2e.conftest import live_app
from tests.e2e.test_reporting import sign_in


def count(model, *where):
    with live_app().app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def goal_id(code):
    with live_app().app_context():
        return db.session.scalar(select(Goal.id).where(Goal.code == code))


def test_a_comment_sent_again_after_going_back_is_published_once(page, live_server):
    sign_in(page, live_server, "resident")
    page.goto(live_server + "/metas/S5.1")
    page.get_by_label("Su comentario").fill("Publicado, atrás y otra vez.")
    page.get_by_role("button", name="Publicar", exact=True).dblclick()
    page.wait_for_url("**/metas/S5.1#comentario-*")
    page.go_back()
    assert page.get_by_label("Su comentario").input_value() == "Publicado, atrás y otra vez."
    page.get_by_role("button", name="Publicar", exact=True).click()
    page.wait_for_url("**/metas/S5.1#comentario-*")
    assert "Ya lo había enviado; se registró una sola vez." in page.locator(".alert").inner_text()
    assert page.locator("article.comment", has_text="Publicado, atrás y otra vez.").count() == 1
    assert count(Comment, Comment.body == "Publicado, atrás y otra vez.") == 1


def test_a_report_with_a_decimal_comma_sent_again_is_published_once(page, live_server):
    sign_in(page, live_server, "official")
    page.goto(live_server + "/metas/S5.2/reportes/nuevo")
    page.get_by_label("Trimestre").select_option("2021-T2")
    page.get_by_label("Estado").select_option("en_ejecucion")
    page.get_by_label("Avance físico (%)").fill("45,5")
    page.get_by_label("Qué se hizo").fill("Expediente técnico en revisión.")
    page.get_by_role("button", name="Publicar el reporte").dblclick()
    page.wait_for_url("**/metas/S5.2#reportes")
    assert "45.5 %" in page.locator(".goal-now").inner_text()
    page.go_back()
    # The browser restores the form but for the progress (autocomplete off) and the quarter,
    # which is no longer offered: it now names another one.
    assert page.get_by_label("Trimestre").input_value() != "2021-T2"
    page.get_by_label("Avance físico (%)").fill("45,5")
    page.get_by_role("button", name="Publicar el reporte").click()
    page.wait_for_url("**/metas/S5.2#reportes")
    assert "Ya lo había enviado" in page.locator(".alert").inner_text()
    assert count(Report, Report.goal_id == goal_id("S5.2")) == 1
