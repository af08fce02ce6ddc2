"""The shared parts of a goal page, kept for signed-in readers too: never stale, never
another reader's."""
import re

import pytest
from sqlalchemy import select

from models import Comment, db
from tests.conftest import text_of
from tests.test_page_cache import WRITES
from tests.test_thread import browser, goal_page_queries, selects


def comment_actions(client, body):
    """The actions a reader is offered on the comment with this body."""
    html = client.get("/metas/S7.6").get_data(as_text=True)
    article = re.search(r'<article class="comment[^>]*>(?:(?!</article>).)*?'
                        + re.escape(body) + r".*?</article>", html, re.S).group(0)
    actions = re.search(r'<ul class="comment-actions">(.*?)</ul>', article, re.S)
    return re.findall(r"<(?:a|button)[^>]*>([^<]+)<", actions.group(1)) if actions else []


@pytest.mark.parametrize("write", [write for write, *_ in WRITES],
                         ids=[write.__name__ for write, *_ in WRITES])
def test_a_signed_in_reader_sees_every_write_at_once(app, make_user, write):
    reader = browser(app, make_user(), "resident")
    reader.get("/metas/S7.6")
    before = reader.get("/metas/S7.6")  # its shared parts from the cache
    expected = write(app, make_user)
    assert expected not in text_of(before)
    assert expected in text_of(reader.get("/metas/S7.6"))


def test_a_reader_drawn_from_the_cache_sends_less_sql(app, make_user):
    reader = browser(app, make_user(), "resident")
    first = selects(goal_page_queries(app, reader, "/metas/S7.6"))
    second = selects(goal_page_queries(app, reader, "/metas/S7.6"))
    assert len(second) < len(first)
    assert not any("FROM comment" in statement and "JOIN user_account" in statement
                   for statement in second)  # the thread itself is not read again


def test_each_author_gets_their_own_actions_from_the_shared_thread(app, make_user,
                                                                   monkeypatch):
    ana, luis = make_user(), make_user()
    ana_client, luis_client = browser(app, ana, "resident"), browser(app, luis, "resident")
    ana_client.post("/metas/S7.6/comentarios", data={"body": "Comentario de Ana."})
    luis_client.post("/metas/S7.6/comentarios", data={"body": "Comentario de Luis."})
    for _ in range(2):  # drawn, then from the cache
        assert comment_actions(ana_client, "Comentario de Ana.") == [
            "Responder", "Editar", "Eliminar"]
        assert comment_actions(ana_client, "Comentario de Luis.") == ["Responder", "Reportar"]
        assert comment_actions(luis_client, "Comentario de Ana.") == ["Responder", "Reportar"]
        assert comment_actions(luis_client, "Comentario de Luis.") == [
            "Responder", "Editar", "Eliminar"]
    assert comment_actions(app.test_client(), "Comentario de Ana.") == []
    # Past the edit window, the part kept in the cache no longer offers to edit.
    monkeypatch.setitem(app.config, "COMMENT_EDIT_MINUTES", 0)
    assert comment_actions(ana_client, "Comentario de Ana.") == ["Responder", "Eliminar"]
    # The holes leave nothing behind: no author's id in the page.
    assert "<!--own" not in ana_client.get("/metas/S7.6").get_data(as_text=True)


def test_moderators_and_officials_get_their_own_kind_of_page(app, make_user):
    author = browser(app, make_user(), "resident")
    author.post("/metas/S7.6/comentarios", data={"body": "Comentario a moderar."})
    author.post("/metas/S7.6/comentarios", data={"body": "Otro comentario."})
    moderator = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    other_committee = browser(app, make_user("moderator", committees=("COPALE",)),
                              "moderator")
    official = browser(app, make_user("official"), "official")
    moderator.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Faltan camillas."})
    official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "30",
        "narrative": "Obra en curso."})
    readers = {"resident": browser(app, make_user(), "resident"), "moderator": moderator,
               "other committee": other_committee, "official": official}
    for _ in range(2):  # drawn, then from the cache, in every order of readers
        pages = {name: text_of(client.get("/metas/S7.6")) for name, client in readers.items()}
        assert "Moderar" in pages["moderator"]
        assert not any("Moderar" in pages[name]
                       for name in ("resident", "other committee", "official"))
        assert "Corregir este reporte" in pages["official"]
        assert not any("Corregir este reporte" in pages[name]
                       for name in ("resident", "moderator", "other committee"))
        assert "Publicar la respuesta" in pages["official"]
        assert "Publicar la respuesta" not in pages["resident"]
        assert all("Faltan camillas." in page for page in pages.values())
        readers = dict(reversed(readers.items()))


def test_a_thread_page_and_order_are_kept_apart(app, make_user):
    from tests.test_thread import add_comments

    add_comments(app, "S7.6", [make_user()[0], make_user()[0]], 45)
    reader = browser(app, make_user(), "resident")
    for _ in range(2):
        first = text_of(reader.get("/metas/S7.6"))
        third = text_of(reader.get("/metas/S7.6?pagina=3"))
        rated = text_of(reader.get("/metas/S7.6?orden=calificacion"))
        assert "Comentario 1 " in first and "Comentario 1 " not in third
        assert "Página 3 de 3" in third and "Página 1 de 3" in rated
        assert first != rated
    with app.app_context():
        assert db.session.scalar(select(Comment.id).where(Comment.body == "Comentario 1"))
