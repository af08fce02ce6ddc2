"""The shared parts of a goal page, kept for signed-in readers too: never stale, never
another reader's."""
import html
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


def csrf_tokens(html):
    return set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html))


def test_a_page_kept_for_a_kind_of_reader_is_each_readers_own(app, make_user):
    """One drawing of the goal page serves every resident: each gets their own name,
    notifications, tokens and actions, nobody another's."""
    from models import EVENTS, Notification

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        ana, luis = make_user(name="Ana Quispe"), make_user(name="Luis Mamani")
        with app.app_context():
            db.session.add(Notification(user_id=luis[0], event=EVENTS[0], key="prueba",
                                        anchor="reportes"))
            db.session.commit()
        app.config["WTF_CSRF_ENABLED"] = False
        ana_client, luis_client = browser(app, ana, "resident"), browser(app, luis, "resident")
        app.config["WTF_CSRF_ENABLED"] = True
        drawn = ana_client.get("/metas/S7.6")
        kept = luis_client.get("/metas/S7.6")
        assert (drawn.headers["X-Cache"], kept.headers["X-Cache"]) == ("miss", "hit")
        ana_page, luis_page = drawn.get_data(as_text=True), kept.get_data(as_text=True)
        assert "Ana Quispe" in ana_page and "Ana Quispe" not in luis_page
        assert "Luis Mamani" in luis_page and "(1 sin leer)" in text_of(kept)
        assert "sin leer" not in text_of(drawn)
        assert len(csrf_tokens(ana_page)) == len(csrf_tokens(luis_page)) == 1
        assert csrf_tokens(ana_page) != csrf_tokens(luis_page)
        once = re.findall(r'name="once" type="hidden" value="([^"]+)"', luis_page)
        assert len(once) == len(set(once)) >= 2  # each form its own
        assert not set(once) & set(re.findall(r'name="once" type="hidden" value="([^"]+)"',
                                              ana_page))
        assert "__csrf_token__" not in luis_page and "<!--reader" not in luis_page
        # Luis's tokens from the kept page are his: his comment is published.
        sent = luis_client.post("/metas/S7.6/comentarios", data={
            "csrf_token": csrf_tokens(luis_page).pop(), "once": once[0],
            "body": "Comentario desde la página guardada."})
        assert sent.status_code == 302
        # What he was told after sending is shown once, on a page drawn for him.
        told = luis_client.get(sent.headers["Location"])
        assert "X-Cache" not in told.headers
        assert "Su comentario está publicado." in text_of(told)
        assert "Su comentario está publicado." not in text_of(luis_client.get("/metas/S7.6"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_what_a_reader_follows_and_rated_is_theirs_on_a_kept_page(app, make_user):
    ana, luis = browser(app, make_user(), "resident"), browser(app, make_user(), "resident")
    ana.get("/metas/S7.6")
    ana.post("/seguir/goal/S7.6")  # writes nothing any page shows to others
    assert "Dejar de seguir" in text_of(ana.get("/metas/S7.6"))
    assert "Dejar de seguir" not in text_of(luis.get("/metas/S7.6"))
    ana.post("/metas/S7.6/calificacion", data={"stars": "4"})
    assert "Su calificación: 4 de 5" in text_of(ana.get("/metas/S7.6"))
    assert "Su calificación: 4" not in text_of(luis.get("/metas/S7.6"))


def test_a_comment_cannot_fake_a_hole(app, make_user):
    author = browser(app, make_user(), "resident")
    body = ('value="__csrf_token__"> value="__once_token__"> <!--reader:header--> '
            '<!--own:1:1:1-->x<!--/own-->')
    author.post("/metas/S7.6/comentarios", data={"body": body})
    for client in (author, browser(app, make_user(), "resident"), app.test_client()):
        page = client.get("/metas/S7.6")
        assert body in html.unescape(text_of(page))
        assert "Set-Cookie" not in client.get("/metas/S7.6").headers


def test_a_kept_page_reads_neither_the_goal_nor_its_thread(app, make_user):
    reader = browser(app, make_user(), "resident")
    reader.get("/metas/S7.6")
    statements = selects(goal_page_queries(app, reader, "/metas/S7.6"))
    # The reader's session, the versions of what the page shows, and what is the reader's.
    assert len(statements) <= 3, "\n".join(statements)
    assert not any("FROM goal JOIN" in s and "report" in s for s in statements)


def test_a_comment_or_a_rating_leaves_the_rest_of_its_goal_page_in_the_cache(app, make_user):
    official = browser(app, make_user("official"), "official")
    official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "30",
        "narrative": "Obra en curso."})
    visitor, reader = app.test_client(), browser(app, make_user(), "resident")
    for client in (visitor, reader):
        client.get("/metas/S7.6")
    writer = browser(app, make_user(), "resident")
    for write, data, shown in (("comentarios", {"body": "Comentario que llega."},
                                "Comentario que llega."),
                               ("calificacion", {"stars": "2"}, "1 calificación de vecinos")):
        writer.post(f"/metas/S7.6/{write}", data=data)
        for client in (visitor, reader):
            statements = selects(goal_page_queries(app, client, "/metas/S7.6"))
            # Only what the write changed is drawn again: the record of reports, with their
            # photos and documents, is not read.
            assert not any("evidence" in s for s in statements), "\n".join(statements)
            if client is visitor:  # who follows nothing and rated nothing is not asked
                assert not any("follow" in s for s in statements), "\n".join(statements)
            page = text_of(client.get("/metas/S7.6"))
            assert shown in page and "Obra en curso." in page
