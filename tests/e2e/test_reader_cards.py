"""A resident in Chromium whose goal page comes from their card in the cache server (Redis,
as deployed, CSRF on): its forms and their own comment's actions work."""
import pytest
from sqlalchemy import event

from models import db
from models.base import utcnow
from tests.conftest import PASSWORDS
from tests.live import cached_in_redis, serving

GOAL = "/metas/S7.6"


@pytest.fixture(scope="module")
def cached_server(tmp_path_factory):
    """A live portal with its page cache in Redis and one resident; the app and its base."""
    from portal.services.accounts import create_user

    with cached_in_redis("sqlite://", tmp_path_factory, "cards_e2e",
                         WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            create_user("carmen@example.org", "Carmen Flores", "resident",
                        PASSWORDS["resident"]).confirmed_at = utcnow()
            db.session.commit()
        with serving(app) as base:
            yield app, base


def from_card(page, app, path):
    """Open ``path`` until the portal answers it without a SQL statement: from the cache and
    the reader's card."""
    with app.app_context():
        engine = db.engine
    for _ in range(6):
        statements = []

        def counted(*_args):
            statements.append(1)
        event.listen(engine, "before_cursor_execute", counted)
        try:
            response = page.goto(path)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        if response.headers.get("x-cache") == "hit" and not statements:
            return
    raise AssertionError(f"{path} never came from the reader's card")


def test_a_resident_comments_and_deletes_from_pages_kept_for_them(page, cached_server):
    app, base = cached_server
    page.goto(base + "/entrar")
    page.get_by_label("Correo electrónico").fill("carmen@example.org")
    page.get_by_label("Contraseña").fill(PASSWORDS["resident"])
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_load_state()

    from_card(page, app, base + GOAL)
    assert page.get_by_role("link", name="Carmen Flores").is_visible()
    page.get_by_label("Su comentario").fill("La posta de mi barrio sigue sin equipos.")
    page.get_by_role("button", name="Publicar", exact=True).click()
    page.wait_for_load_state()
    comment = page.locator("article.comment", has_text="La posta de mi barrio sigue sin equipos.")
    assert comment.count() == 1

    from_card(page, app, base + GOAL)  # the thread changed: kept again, then from the card
    comment = page.locator("article.comment", has_text="La posta de mi barrio sigue sin equipos.")
    assert comment.get_by_role("link", name="Editar").is_visible()
    comment.get_by_role("button", name="Eliminar").click()
    page.wait_for_load_state()
    assert "No se pudo entender la solicitud" not in page.content()
    assert page.locator("article.comment",
                        has_text="La posta de mi barrio sigue sin equipos.").count() == 0
