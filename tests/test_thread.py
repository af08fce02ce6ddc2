"""The citizen thread: comments, ratings, reports of comments, moderation, observations."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import Comment, Flag, ModerationAction, Rating, db
from models.base import utcnow
from tests.conftest import count, sign_in, text_of


def browser(app, user, role):
    client = app.test_client()
    sign_in(app, client, user[1], role)
    return client


def comment_id(app, body):
    with app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.body == body))


@pytest.fixture
def resident(app, make_user):
    user = make_user(name="Vecina Ana")
    return user, browser(app, user, "resident")


def test_a_resident_comments_and_rates_a_goal(app, resident):
    _, client = resident
    response = client.post("/metas/S7.6/comentarios", data={
        "body": "El puesto de Pampa Inalámbrica sigue cerrado.\n\nVean https://example.org/foto",
        "stars": "2"})
    assert response.status_code == 302
    page = client.get("/metas/S7.6")
    html = page.get_data(as_text=True)
    assert "Vecina Ana" in text_of(page)
    assert "<p>El puesto de Pampa Inalámbrica sigue cerrado.</p>" in html
    assert '<a href="https://example.org/foto" rel="nofollow ugc noopener">' in html
    assert "2.0 de 5" in text_of(page)
    assert "1 calificación de vecinos" in text_of(page)
    assert "1 comentario" in text_of(page)


def test_markup_and_script_are_shown_as_text(app, resident):
    _, client = resident
    client.post("/metas/S7.6/comentarios", data={
        "body": '<script>alert("x")</script><b>negrita</b> <a href="javascript:alert(1)">y</a>'})
    html = client.get("/metas/S7.6").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<b>negrita</b>" not in html
    assert '<a href="javascript:' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("body, message", [
    ("   \n  ", "Escriba algo antes de publicar."),
    ("x" * 2001, "El texto tiene 2001 caracteres; el máximo es 2000."),
])
def test_an_empty_or_oversized_comment_is_refused_keeping_the_text(app, resident, body, message):
    _, client = resident
    response = client.post("/metas/S7.6/comentarios", data={"body": body, "stars": "4"})
    assert response.status_code == 400
    assert message in text_of(response)
    if body.strip():
        assert body in response.get_data(as_text=True)
    assert count(app, Comment) == 0
    assert count(app, Rating) == 0


@pytest.mark.parametrize("stars", ["0", "6", "abc", "3.5", "-1"])
def test_a_rating_out_of_range_is_refused(app, resident, stars):
    _, client = resident
    response = client.post("/metas/S7.6/calificacion", data={"stars": stars})
    assert response.status_code == 400
    assert "número entero de estrellas de 1 a 5" in text_of(response)
    assert count(app, Rating) == 0


def test_rating_again_replaces_the_earlier_rating(app, resident, make_user):
    user, client = resident
    client.post("/metas/S7.6/calificacion", data={"stars": "5"})
    client.post("/metas/S7.6/comentarios", data={"body": "Cambio de opinión.", "stars": "1"})
    other = browser(app, make_user(), "resident")
    other.post("/metas/S7.6/calificacion", data={"stars": "4"})
    assert count(app, Rating, user_id=user[0]) == 1
    document = client.get("/api/v1/goals/S7.6").get_json()
    assert document["ratings"] == {"average": 2.5, "count": 2, "distribution": {
        "1": 1, "2": 0, "3": 0, "4": 1, "5": 0}}


def test_officials_do_not_rate_but_their_comments_carry_a_badge(app, make_user):
    official = browser(app, make_user("official", name="Gerencia de Salud"), "official")
    assert official.post("/metas/S7.6/calificacion", data={"stars": "5"}).status_code == 403
    refused = official.post("/metas/S7.6/comentarios", data={"body": "Informamos.", "stars": "5"})
    assert refused.status_code == 400
    assert official.post("/metas/S7.6/comentarios",
                         data={"body": "La obra reinicia en marzo."}).status_code == 302
    copale = browser(app, make_user("moderator", ("COPALE",), name="Rosa Quispe"), "moderator")
    copale.post("/metas/S4.1/comentarios", data={"body": "Seguimos vigilando."})
    assert "Gerencia de Salud Municipalidad" in text_of(official.get("/metas/S7.6"))
    assert "Rosa Quispe COPALE" in text_of(official.get("/metas/S4.1"))


def test_the_service_refuses_an_officials_rating_whoever_calls_it(app, make_user):
    from models import User
    from portal.services import DomainError
    from portal.services.feedback import post_comment
    from portal.services.ratings import rate
    from portal.services.plan import goal_by_code

    official = make_user("official")
    with app.test_request_context():
        user, goal = db.session.get(User, official[0]), goal_by_code("S7.6")
        for act in (lambda: rate(user, goal, 5),
                    lambda: post_comment(user, goal, "Informamos.", stars=5)):
            with pytest.raises(DomainError, match="no califican"):
                act()
        assert db.session.scalars(select(Rating).where(Rating.user_id == user.id)).all() == []


def test_replies_are_nested_one_level(app, resident, make_user):
    _, client = resident
    client.post("/metas/S7.6/comentarios", data={"body": "Primero."})
    first = comment_id(app, "Primero.")
    other = browser(app, make_user(name="Vecino Luis"), "resident")
    assert other.post(f"/comentarios/{first}/responder", data={"body": "Respuesta."}) \
        .status_code == 302
    reply = comment_id(app, "Respuesta.")
    other.post(f"/comentarios/{reply}/responder", data={"body": "Respuesta a la respuesta."})
    with app.app_context():
        assert db.session.get(Comment, comment_id(app, "Respuesta a la respuesta.")) \
            .parent_id == first
    html = client.get("/metas/S7.6").get_data(as_text=True)
    assert html.index("Primero.") < html.index("Respuesta.") < html.index("Respuesta a la")
    assert 'class="comment reply"' in html


def test_edit_within_the_window_shows_edited(app, resident):
    _, client = resident
    client.post("/metas/S7.6/comentarios", data={"body": "Con erorr."})
    cid = comment_id(app, "Con erorr.")
    assert client.post(f"/comentarios/{cid}/editar", data={"body": "Con error."}).status_code \
        == 302
    assert "Con error. " in text_of(client.get("/metas/S7.6"))
    assert "editado" in text_of(client.get("/metas/S7.6"))
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.id == cid).values(
            created_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    late = client.post(f"/comentarios/{cid}/editar", data={"body": "Otra cosa."},
                       follow_redirects=True)
    assert "Este comentario ya no se puede editar." in text_of(late)
    assert "Otra cosa." not in text_of(client.get("/metas/S7.6"))


def test_others_cannot_edit_or_delete_a_comment(app, resident, make_user):
    _, client = resident
    client.post("/metas/S7.6/comentarios", data={"body": "Mío."})
    cid = comment_id(app, "Mío.")
    other = browser(app, make_user(), "resident")
    assert other.post(f"/comentarios/{cid}/editar", data={"body": "Tuyo."}).status_code == 403
    assert other.post(f"/comentarios/{cid}/eliminar").status_code == 403
    assert "Mío." in text_of(client.get("/metas/S7.6"))


def test_deleting_leaves_a_marker_only_when_there_are_replies(app, resident, make_user):
    _, client = resident
    client.post("/metas/S7.6/comentarios", data={"body": "Solo."})
    client.post("/metas/S7.6/comentarios", data={"body": "Con respuesta."})
    with_reply = comment_id(app, "Con respuesta.")
    browser(app, make_user(), "resident").post(f"/comentarios/{with_reply}/responder",
                                               data={"body": "Le respondo."})
    client.post(f"/comentarios/{comment_id(app, 'Solo.')}/eliminar")
    client.post(f"/comentarios/{with_reply}/eliminar")
    page = text_of(client.get("/metas/S7.6"))
    assert "Solo." not in page and "Con respuesta." not in page
    assert page.count("Comentario eliminado por su autor.") == 1
    assert "Le respondo." in page
    assert count(app, Comment) == 3  # nothing is lost


@pytest.fixture
def reported(app, resident, make_user):
    """A comment on S4.1 (watched by COPALE) and clients for three other residents."""
    _, client = resident
    client.post("/metas/S4.1/comentarios", data={"body": "Compre en mi tienda, precios bajos."})
    return comment_id(app, "Compre en mi tienda, precios bajos."), [
        browser(app, make_user(), "resident") for _ in range(3)]


def test_enough_distinct_reports_hide_a_comment_until_a_moderator_decides(app, reported):
    cid, others = reported
    for number, other in enumerate(others, start=1):
        response = other.post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})
        assert response.status_code == 302
        shown = "Compre en mi tienda" in text_of(other.get("/metas/S4.1"))
        assert shown is (number < 3)
    page = text_of(others[0].get("/metas/S4.1"))
    assert "Comentario ocultado: Reportado por varias personas; en revisión." in page


@pytest.mark.parametrize("case, message", [
    ("twice", "Ya reportó este comentario."),
    ("own", "No puede reportar su propio comentario."),
    ("hidden", "Este comentario ya está oculto"),
    ("no reason", "Elija por qué reporta este comentario."),
])
def test_bad_reports_get_a_clear_answer_and_change_nothing(app, resident, reported, case,
                                                           message):
    cid, others = reported
    author = resident[1]
    if case == "hidden":
        for other in others:
            other.post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})
    before = count(app, Flag)
    client = {"own": author}.get(case, others[0])
    if case == "twice":
        client.post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})
        before = count(app, Flag)
    response = client.post(f"/comentarios/{cid}/reportar",
                           data={} if case == "no reason" else {"reason": "offensive"})
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, Flag) == before


def test_a_committee_member_hides_and_restores_in_scope_only(app, reported, make_user):
    cid, others = reported
    others[0].post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})
    copale = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    codisec = browser(app, make_user("moderator", ("CODISEC",)), "moderator")

    assert "Goal S4.1" in text_of(copale.get("/moderacion")) or \
        "Meta S4.1" in text_of(copale.get("/moderacion"))
    assert "Meta S4.1" not in text_of(codisec.get("/moderacion"))
    assert codisec.post(f"/comentarios/{cid}/moderar", data={
        "action": "hide", "reason": "spam"}).status_code == 403

    refused = copale.post(f"/comentarios/{cid}/moderar", data={"action": "hide", "reason": ""})
    assert refused.status_code == 400
    hidden = copale.post(f"/comentarios/{cid}/moderar", data={
        "action": "hide", "reason": "spam", "note": "Publicidad comercial."})
    assert hidden.status_code == 302
    page = text_of(copale.get("/metas/S4.1"))
    assert "Comentario ocultado por COPALE: Spam o publicidad." in page
    log = text_of(copale.get("/moderacion/registro"))
    assert "S4.1 Ocultado COPALE Spam o publicidad" in log
    assert "Compre en mi tienda" not in log and "Publicidad comercial" not in log
    assert "Meta S4.1" not in text_of(copale.get("/moderacion"))

    copale.post(f"/comentarios/{cid}/moderar", data={"action": "restore"})
    assert "Compre en mi tienda" in text_of(copale.get("/metas/S4.1"))
    assert "S4.1 Restaurado COPALE" in text_of(copale.get("/moderacion/registro"))
    assert count(app, ModerationAction) == 2


def test_an_admin_moderates_everywhere(app, reported, make_user):
    cid, _ = reported
    admin = browser(app, make_user("admin"), "admin")
    assert admin.post(f"/comentarios/{cid}/moderar", data={
        "action": "hide", "reason": "off_topic"}).status_code == 302
    assert "Comentario ocultado por los administradores del portal: No trata de esta meta." in \
        text_of(admin.get("/metas/S4.1"))


def test_the_author_is_told_why_a_comment_was_hidden(app, resident, reported, make_user):
    cid, _ = reported
    copale = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    copale.post(f"/comentarios/{cid}/moderar", data={
        "action": "hide", "reason": "spam", "note": "Publicidad comercial."})
    page = text_of(resident[1].get("/cuenta"))
    assert "Sus comentarios ocultos" in page
    assert "Motivo: Spam o publicidad." in page
    assert "Consejo Participativo Local de Educación" in page
    assert "Lo decidió Consejo Participativo Local de Educación. Nota: Publicidad comercial." in page


def test_replies_to_a_hidden_comment_stay(app, reported, make_user):
    cid, others = reported
    others[0].post(f"/comentarios/{cid}/responder", data={"body": "No es el lugar."})
    copale = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    copale.post(f"/comentarios/{cid}/moderar", data={"action": "hide", "reason": "spam"})
    page = text_of(others[1].get("/metas/S4.1"))
    assert "Comentario ocultado por COPALE" in page and "No es el lugar." in page


def test_committee_observations_and_the_official_answer(app, make_user):
    copale = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    codisec = browser(app, make_user("moderator", ("CODISEC",)), "moderator")
    official = browser(app, make_user("official"), "official")
    observation = {"committee": "COPALE", "kind": "alerta",
                   "body": "Los docentes no recibieron la capacitación anunciada.",
                   "evidence_url": "https://example.org/acta"}
    assert codisec.post("/metas/S4.1/observaciones",
                        data={**observation, "committee": "CODISEC"}).status_code == 403
    bad = copale.post("/metas/S4.1/observaciones", data={**observation,
                                                          "evidence_url": "javascript:x"})
    assert bad.status_code == 400
    assert "La evidencia debe ser un enlace" in text_of(bad)
    assert copale.post("/metas/S4.1/observaciones", data=observation).status_code == 302

    page = text_of(official.get("/metas/S4.1"))
    assert "Alerta COPALE" in page
    assert "Esperando la respuesta de la municipalidad desde hoy." in page
    assert "Observaciones que esperan respuesta de la municipalidad" in \
        text_of(official.get("/comites/COPALE"))
    assert "Meta S4.1 — Alerta" in text_of(official.get("/comites/COPALE"))

    with app.app_context():
        from models import Observation
        observation_id = db.session.scalar(select(Observation.id))
    assert copale.post(f"/observaciones/{observation_id}/respuesta",
                       data={"body": "x"}).status_code == 403
    empty = official.post(f"/observaciones/{observation_id}/respuesta", data={"body": " "})
    assert empty.status_code == 400
    assert official.post(f"/observaciones/{observation_id}/respuesta", data={
        "body": "La capacitación se reprogramó para abril."}).status_code == 302
    page = text_of(official.get("/metas/S4.1"))
    assert "Municipalidad" in page and "La capacitación se reprogramó para abril." in page
    assert "Ninguna: todas las observaciones de este comité tienen su respuesta." in \
        text_of(official.get("/comites/COPALE"))
    again = official.post(f"/observaciones/{observation_id}/respuesta", data={"body": "Otra."})
    assert again.status_code == 400
    document = official.get("/api/v1/goals/S4.1").get_json()
    [published] = document["observations"]
    assert published["committee"] == {"code": "COPALE",
                                      "name": "Consejo Participativo Local de Educación"}
    assert published["response"]["body"] == "La capacitación se reprogramó para abril."


def test_posting_is_rate_limited_with_a_clear_message(app, resident):
    _, client = resident
    for number in range(5):
        assert client.post("/metas/S7.6/comentarios",
                           data={"body": f"Comentario {number}"}).status_code == 302
    limited = client.post("/metas/S7.6/comentarios", data={"body": "Uno más"})
    assert limited.status_code == 429
    assert "Demasiadas solicitudes" in text_of(limited)


def test_the_api_counts_visible_comments_and_shows_no_personal_data(app, resident, reported):
    cid, others = reported
    for other in others:
        other.post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})
    resident[1].post("/metas/S4.1/comentarios", data={"body": "Visible."})
    document = resident[1].get("/api/v1/goals/S4.1").get_json()
    assert document["comment_count"] == 1
    assert "@" not in resident[1].get("/api/v1/goals/S4.1").get_data(as_text=True)


def goal_page_queries(app, client, url):
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def add_comments(app, goal_code, authors, how_many):
    """Comments by several authors, every fifth one with two replies, some hidden."""
    from models import Goal

    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == goal_code))
        now = utcnow()
        for number in range(how_many):
            comment = Comment(goal_id=goal_id, author_id=authors[number % len(authors)],
                              body=f"Comentario {number}", stars=number % 5 + 1,
                              created_at=now - timedelta(minutes=number),
                              hidden_at=now if number % 7 == 0 else None,
                              hidden_reason="spam" if number % 7 == 0 else None)
            db.session.add(comment)
            if number % 5 == 0:
                for reply in range(2):
                    db.session.add(Comment(goal_id=goal_id, author_id=authors[reply],
                                           parent=comment, body=f"Respuesta {number}.{reply}"))
        db.session.commit()


def test_the_goal_page_does_a_constant_number_of_queries(app, make_user):
    authors = [make_user(name=f"Vecino {n}")[0] for n in range(4)]
    reader = browser(app, make_user(), "resident")
    add_comments(app, "S7.6", authors, 5)
    add_comments(app, "S7.5", authors, 500)
    few = goal_page_queries(app, reader, "/metas/S7.6")
    many = goal_page_queries(app, reader, "/metas/S7.5")
    assert len(few) == len(many), "\n".join(few + ["-----"] + many)
    assert len(many) < 40
    page = text_of(reader.get("/metas/S7.5"))
    assert "Página 1 de 25" in page
    assert page.count("Respuesta ") >= 8
    ordered = goal_page_queries(app, reader, "/metas/S7.5?orden=calificacion&pagina=3")
    # A page whose comments have no replies skips the replies' authors: never more.
    assert len(ordered) <= len(many)


def test_threads_are_paginated_newest_or_highest_rated_first(app, make_user):
    authors = [make_user()[0] for _ in range(2)]
    add_comments(app, "S7.5", authors, 45)
    client = app.test_client()
    newest = text_of(client.get("/metas/S7.5"))
    assert "Comentario 1 " in newest and "Comentario 25 " not in newest
    last = text_of(client.get("/metas/S7.5?pagina=3"))
    assert "Comentario 44 " in last and "Página 3 de 3" in last
    rated = text_of(client.get("/metas/S7.5?orden=calificacion"))
    first_stars = re.findall(r"Comentario (\d+) ", rated)[:3]
    assert all(int(n) % 5 + 1 == 5 for n in first_stars)
    assert client.get("/metas/S7.5?pagina=abc").status_code == 200
    assert client.get("/metas/S7.5?pagina=999&orden=x").status_code == 200


def selects(statements):
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


# The most SQL a page may send, whatever the thread holds: a regression fails here first.
QUERY_BUDGET = {
    # The ratings and the claim's tally come with the goal's counts: room for the next
    # hearing, drawn in its own part. A signed-in reader's page the cache does not hold
    # reads their session twice: once where a page it holds is answered, before the portal
    # (portal.page_cache.hits), and once in the portal, which draws it.
    ("/metas/S7.5", "resident"): 9,
    ("/metas/S7.5?orden=calificacion&pagina=3", "resident"): 9,
    ("/metas/S7.5", None): 7,
    ("/", "resident"): 10,  # and the next hearing, drawn in its own part
    ("/", None): 8,
    ("/dimensiones/S", "resident"): 9,  # and whether the reader follows it
}


@pytest.mark.parametrize("url, role", QUERY_BUDGET)
@pytest.mark.parametrize("cached", [False, True], ids=["miss", "cache-on"])
def test_pages_stay_within_their_query_budget(app, make_user, url, role, cached):
    authors = [make_user(name=f"Vecino {n}")[0] for n in range(4)]
    add_comments(app, "S7.5", authors, 300)
    official = browser(app, make_user("official"), "official")
    official.post("/metas/S7.5/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
        "narrative": "Obra en curso."})
    committee = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    committee.post("/metas/S7.5/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Faltan camillas."})
    reader = browser(app, make_user(), role) if role else app.test_client()
    app.config["PAGE_CACHE"] = cached  # on, a visitor's miss also reads the versions
    try:
        statements = selects(goal_page_queries(app, reader, url))
    finally:
        app.config["PAGE_CACHE"] = True
    assert len(statements) <= QUERY_BUDGET[(url, role)], "\n".join(statements)
    page = text_of(reader.get(url))
    assert "Meta S7.5" in page or "Plan de gobierno" in page or "Dimensión" in page
