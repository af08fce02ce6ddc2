"""Public hearings: scheduled by officials, questions from residents before the deadline,
written answers, the acta, and the summary with the sections the law asks for."""
import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from models import Committee, Hearing, HearingQuestion, ModerationAction, Notification, db
from tests.conftest import text_of
from tests.test_evidence import error_under
from tests.test_thread import browser

LIMA = ZoneInfo("America/Lima")


def local(days, hour=10):
    moment = datetime.now(LIMA).replace(hour=hour, minute=0, second=0, microsecond=0)
    return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def schedule(official, held=20, until=15, first="2021-T1", last="2021-T4",
             place="Auditorio municipal, Jr. Zepita 301"):
    """``held`` and ``until``: days from today, or a local time as typed."""
    response = official.post("/audiencias/nueva", data={
        "held_at": local(held) if isinstance(held, int) else held, "place": place,
        "first_quarter": first, "last_quarter": last,
        "questions_until": local(until, 18) if isinstance(until, int) else until})
    return response


def hearing_id(app):
    with app.app_context():
        return db.session.scalar(select(Hearing.id).order_by(Hearing.id.desc()))


def question_id(app, body):
    with app.app_context():
        return db.session.scalar(select(HearingQuestion.id).where(HearingQuestion.body == body))


@pytest.fixture
def official(app, make_user):
    return browser(app, make_user("official"), "official")


@pytest.fixture
def hearing(app, official):
    assert schedule(official).status_code == 302
    return hearing_id(app)


def test_an_official_schedules_a_hearing_and_everyone_sees_it(app, official, hearing):
    listing = text_of(app.test_client().get("/audiencias"))
    assert "Próximas audiencias" in listing and "Auditorio municipal, Jr. Zepita 301" in listing
    assert "periodo de 2021-T1 a 2021-T4" in listing and "10:00 a. m." in listing
    page = text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert "Preguntas hasta" in page and "Ningún vecino ha enviado aún una pregunta." in page
    assert "Ingrese para enviar una pregunta" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"place": "  "}, "place", "Indique dónde se realiza la audiencia."),
    ({"first": "2021-T4", "last": "2021-T1"}, "first_quarter",
     "El primer trimestre del periodo va antes del último."),
    ({"until": 25}, "questions_until", "Las preguntas deben cerrarse antes de la audiencia."),
    ({"first": "2018-T4"}, "first_quarter",
     "Los trimestres deben ser del periodo del plan, de 2019-T1 a 2022-T4."),
    ({"last": "2023-T1"}, "last_quarter",
     "Los trimestres deben ser del periodo del plan, de 2019-T1 a 2022-T4."),
    # As it was once accepted: held in 2020, covering 2022, questions until 2019.
    ({"held": "2020-01-01T10:00", "until": "2019-12-20T18:00", "first": "2022-T1",
      "last": "2022-T4"}, "last_quarter",
     "Una audiencia rinde cuentas de trimestres ya terminados: 2022-T4 aún no termina el "
     "día de la audiencia."),
    ({"held": "2023-03-01T10:00", "until": "2023-02-20T18:00"}, "questions_until",
     "El plazo para las preguntas ya pasó: los vecinos no tendrían tiempo para preguntar."),
    ({"until": -1}, "questions_until",
     "El plazo para las preguntas ya pasó: los vecinos no tendrían tiempo para preguntar."),
])
def test_a_wrong_hearing_is_refused_under_its_field_and_nothing_is_written(
        app, official, changes, field, message):
    response = schedule(official, **changes)
    assert response.status_code == 400
    assert error_under(response, field) == message
    assert all(error_under(response, other) is None for other in (
        "held_at", "place", "first_quarter", "last_quarter", "questions_until")
        if other != field)
    assert hearing_id(app) is None


def test_residents_and_visitors_cannot_schedule(app, make_user):
    resident = browser(app, make_user(), "resident")
    assert schedule(resident).status_code == 403
    assert schedule(app.test_client()).status_code == 302  # to sign in
    assert hearing_id(app) is None


def ask(client, hearing, body, goal="", committee=""):
    return client.post(f"/audiencias/{hearing}/preguntas",
                       data={"body": body, "goal": goal, "committee": committee})


def test_residents_ask_before_the_deadline_within_their_number(app, make_user, hearing,
                                                                monkeypatch):
    resident = browser(app, make_user(name="Rosa Quispe"), "resident")
    assert ask(resident, hearing, "¿Cuándo terminan los puestos de salud?", "s7.6").status_code \
        == 302
    page = text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert "Rosa Quispe" in page and "Meta S7.6" in page
    assert "Esperando la respuesta escrita de la municipalidad." in page
    monkeypatch.setitem(app.config, "HEARING_QUESTIONS_PER_PERSON", 2)
    assert ask(resident, hearing, "Segunda pregunta.").status_code == 302
    refused = ask(resident, hearing, "Tercera pregunta.")
    assert refused.status_code == 400
    assert "Ya envió las 2 preguntas" in text_of(refused)
    assert "Z9.9" in text_of(ask(browser(app, make_user(), "resident"), hearing, "¿Y esto?",
                                 "Z9.9"))
    with app.app_context():
        db.session.execute(update(Hearing).values(
            questions_until=datetime.now(LIMA) - timedelta(minutes=1)))
        db.session.commit()
    late = ask(browser(app, make_user(), "resident"), hearing, "¿Llego tarde?")
    assert late.status_code == 400 and "se cerraron las preguntas para esta audiencia." in \
        text_of(late)
    assert question_id(app, "¿Llego tarde?") is None


def test_a_committee_marks_its_question_and_officials_cannot_ask(app, make_user, hearing,
                                                                 official):
    member = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    assert ask(member, hearing, "¿Y los pupitres?", "S4.1", "COPALE").status_code == 302
    assert "COPALE" in text_of(app.test_client().get(f"/audiencias/{hearing}"))
    other = ask(member, hearing, "¿Y la seguridad?", "", "CODISEC")
    assert "solo para un comité del que forma parte" in text_of(other)
    assert ask(official, hearing, "¿Pregunta oficial?").status_code == 403


def test_officials_answer_and_the_author_and_followers_are_told(app, make_user, hearing,
                                                                official):
    author, follower = make_user(), make_user()
    asker = browser(app, author, "resident")
    browser(app, follower, "resident").post("/seguir/goal/S7.6")
    ask(asker, hearing, "¿Cuándo terminan los puestos de salud?", "S7.6")
    ask(asker, hearing, "¿Y el presupuesto en general?")
    first = question_id(app, "¿Cuándo terminan los puestos de salud?")
    general = question_id(app, "¿Y el presupuesto en general?")
    assert asker.post(f"/preguntas/{first}/respuesta",
                      data={"body": "En marzo."}).status_code == 403
    empty = official.post(f"/preguntas/{first}/respuesta", data={"body": " "})
    assert empty.status_code == 400 and "Escriba la respuesta." in text_of(empty)
    assert official.post(f"/preguntas/{first}/respuesta",
                         data={"body": "En marzo de 2022."}).status_code == 302
    assert official.post(f"/preguntas/{general}/respuesta",
                         data={"body": "El PIM es de S/ 12 millones."}).status_code == 302
    again = official.post(f"/preguntas/{first}/respuesta", data={"body": "Otra."})
    assert "ya tiene la respuesta de la municipalidad" in text_of(again)
    page = text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert "En marzo de 2022." in page and "Otra." not in page
    with app.app_context():
        told = db.session.execute(select(Notification.user_id, Notification.goal_id).where(
            Notification.event == "question_answered")).all()
    assert sorted(user for user, _ in told) == sorted([author[0], author[0], follower[0]])
    inbox = text_of(asker.get("/notificaciones"))
    assert "Meta S7.6: la municipalidad respondió una pregunta para la audiencia pública" in inbox
    assert "La municipalidad respondió una pregunta para la audiencia pública" in inbox
    assert f"/audiencias/{hearing}#pregunta-{general}" in asker.get(
        "/notificaciones").get_data(as_text=True)


def test_questions_are_moderated_as_comments_are(app, make_user, hearing):
    asker = browser(app, make_user(), "resident")
    ask(asker, hearing, "Compre en mi tienda.", "S7.6")
    ask(asker, hearing, "Otra cosa sin meta.")
    spam, general = question_id(app, "Compre en mi tienda."), question_id(app, "Otra cosa sin meta.")
    watching = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    elsewhere = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    assert elsewhere.post(f"/preguntas/{spam}/ocultar", data={"reason": "spam"}).status_code \
        == 403
    assert watching.post(f"/preguntas/{general}/ocultar",
                         data={"reason": "spam"}).status_code == 403  # no goal: the admin's
    assert watching.post(f"/preguntas/{spam}/ocultar", data={"reason": "spam"}).status_code \
        == 302
    page = text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert "Compre en mi tienda." not in page and "Pregunta ocultada por moderación" in page
    admin = browser(app, make_user("admin"), "admin")
    assert admin.post(f"/preguntas/{general}/ocultar", data={"reason": "off_topic"}).status_code \
        == 302
    watching.post(f"/preguntas/{spam}/mostrar")
    assert "Compre en mi tienda." in text_of(app.test_client().get(f"/audiencias/{hearing}"))


def decided(log):
    """The questions' rows of the moderation log's text, newest first: (goal, decision, by
    and reason)."""
    return re.findall(r"(S7\.6 · )?una pregunta para la audiencia pública del \d+ de \w+ de \d{4} "
                      r"(Ocultado|Restaurado) ((?:CMS|Administradores del portal) "
                      r"(?:Spam o publicidad|—))", log)


def test_hiding_and_showing_a_question_again_are_on_the_moderation_log(app, make_user, hearing):
    asker = browser(app, make_user(), "resident")
    ask(asker, hearing, "Compre en mi tienda.", "S7.6")
    ask(asker, hearing, "Otra cosa sin meta.")
    spam, general = question_id(app, "Compre en mi tienda."), question_id(app, "Otra cosa sin meta.")
    moderator = make_user("moderator", committees=("CMS",))
    watching = browser(app, moderator, "moderator")
    admin = browser(app, make_user("admin"), "admin")
    assert watching.post(f"/preguntas/{spam}/ocultar", data={"reason": "spam"}).status_code \
        == 302
    assert admin.post(f"/preguntas/{general}/ocultar", data={"reason": "spam"}).status_code \
        == 302
    visitor = app.test_client()
    page = visitor.get("/moderacion/registro").get_data(as_text=True)
    log = text_of(visitor.get("/moderacion/registro"))
    assert decided(log) == [("", "Ocultado", "Administradores del portal Spam o publicidad"),
                            ("S7.6 · ", "Ocultado", "CMS Spam o publicidad")]
    assert f'href="/audiencias/{hearing}#pregunta-{spam}"' in page
    assert "Compre en mi tienda" not in log and "Otra cosa sin meta" not in log

    assert watching.post(f"/preguntas/{spam}/mostrar").status_code == 302
    assert decided(text_of(visitor.get("/moderacion/registro")))[0] == (
        "S7.6 · ", "Restaurado", "CMS —")
    again = watching.post(f"/preguntas/{spam}/mostrar", follow_redirects=True)
    assert "Esta pregunta no está oculta." in text_of(again)
    with app.app_context():
        decisions = db.session.execute(
            select(ModerationAction.question_id, ModerationAction.action, Committee.code,
                   ModerationAction.moderator_id)
            .outerjoin(Committee, Committee.id == ModerationAction.committee_id)
            .order_by(ModerationAction.id)).all()
    assert [tuple(row[:3]) for row in decisions] == [
        (spam, "hide", "CMS"), (general, "hide", None), (spam, "restore", "CMS")]
    assert decisions[0].moderator_id == moderator[0]


def test_the_acta_is_a_pdf_served_as_a_download_with_its_checksum(app, official, hearing,
                                                                   tmp_path, monkeypatch):
    import io
    monkeypatch.setitem(app.config, "FILES_ROOT", str(tmp_path))
    visitor = app.test_client()
    assert visitor.get(f"/audiencias/{hearing}/acta.pdf").status_code == 404
    page = official.get(f"/audiencias/{hearing}").get_data(as_text=True)
    assert "El acta podrá publicarse una vez realizada la audiencia." in page
    early = official.post(f"/audiencias/{hearing}/acta", data={
        "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "acta.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "La audiencia se realiza el" in text_of(early) and "a. m.." not in text_of(early)
    assert not any(tmp_path.rglob("*.pdf"))
    with app.app_context():  # the hearing has taken place
        db.session.execute(update(Hearing).values(
            held_at=datetime.now(LIMA) - timedelta(hours=1),
            questions_until=datetime.now(LIMA) - timedelta(days=1)))
        db.session.commit()
    assert 'accept="application/pdf"' in official.get(f"/audiencias/{hearing}").get_data(
        as_text=True)
    fake = official.post(f"/audiencias/{hearing}/acta", data={
        "file": (io.BytesIO(b"<script>alert(1)</script>"), "acta.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "El acta debe ser un documento PDF." in text_of(fake)
    assert not any(tmp_path.rglob("*.pdf"))
    acta = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    official.post(f"/audiencias/{hearing}/acta", data={
        "file": (io.BytesIO(acta), "acta.pdf")}, content_type="multipart/form-data")
    served = visitor.get(f"/audiencias/{hearing}/acta.pdf")
    assert served.status_code == 200 and served.get_data() == acta
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(acta).hexdigest() in text_of(visitor.get(f"/audiencias/{hearing}"))


def test_the_summary_has_the_laws_sections_from_real_reports(app, make_user, official):
    def report(code, quarter, status, progress, **more):
        data = {"quarter": quarter, "status": status, "progress_pct": progress,
                "narrative": f"Avance de {code}."} | more
        assert official.post(f"/metas/{code}/reportes/nuevo", data=data).status_code == 302

    report("S7.6", "2020-T4", "en_ejecucion", "20")
    report("S7.6", "2021-T2", "en_ejecucion", "45", pim="1250000", devengado="500000")
    report("S1.1", "2021-T1", "paralizada", "10", cause="Falta de presupuesto")
    report("I3.2", "2021-T2", "cumplida", "100", sources="Resolución 12-2021")
    schedule(official, first="2021-T1", last="2021-T2")
    hearing = hearing_id(app)
    member = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    ask(browser(app, make_user(), "resident"), hearing, "¿Y la posta de Pacocha?", "S7.6")
    page = text_of(app.test_client().get(f"/audiencias/{hearing}/resumen"))
    assert "Presupuesto: dimensión Social" in page
    assert "S7.6" in page and "1250000" in page.replace(" ", "").replace(",", "").replace(
        ".", "")[:100000]
    assert "Logros" in page and "Cumplida" in page and "(desde 20 %)" in page
    assert "Dificultades" in page and "Paralizada. Causa: Falta de presupuesto" in page
    assert "sin reporte del periodo" in page
    assert "¿Y la posta de Pacocha?" in page and "Aún sin respuesta." in page
    del member


def notice(response):
    """The next-hearing notice of a page, as read, or None."""
    page = response.get_data(as_text=True)
    if 'class="next-hearing"' not in page:
        return None
    return " ".join(page.split('class="next-hearing"')[1].split("</aside>")[0].split())


def test_the_next_hearing_and_its_deadline_are_on_the_home_and_goal_pages(app, make_user,
                                                                         official):
    visitor, resident = app.test_client(), browser(app, make_user(), "resident")
    assert notice(visitor.get("/")) is None and notice(visitor.get("/metas/S7.6")) is None
    assert schedule(official, held=30, until=25, place="Coliseo de Ilo").status_code == 302
    later = hearing_id(app)
    assert schedule(official, held=20, until=15).status_code == 302  # the sooner one
    sooner = hearing_id(app)
    for client in (visitor, resident):
        home, goal = notice(client.get("/")), notice(client.get("/metas/S7.6"))
        assert "Próxima audiencia pública" in text_of_html(home)
        assert "Auditorio municipal, Jr. Zepita 301" in home and "Coliseo" not in home
        assert "p. m., los vecinos pueden enviar preguntas escritas." in text_of_html(home)
        assert f'href="/audiencias/{sooner}"' in home
        assert f'href="/audiencias/{sooner}#preguntas"' in goal
        assert "Preguntar sobre la meta S7.6" in text_of_html(goal)
    english = app.test_client()
    english.set_cookie("idioma", "en")
    assert "residents may send written questions." in text_of_html(
        notice(english.get("/metas/S7.6")))
    with app.app_context():  # the sooner one is held (a change of the row, as pages see it)
        held = db.session.get(Hearing, sooner)
        held.held_at = datetime.now(LIMA) - timedelta(hours=1)
        held.questions_until = datetime.now(LIMA) - timedelta(days=1)
        db.session.commit()
    assert f'href="/audiencias/{later}"' in notice(visitor.get("/"))
    assert "Coliseo de Ilo" in notice(visitor.get("/metas/S7.6"))


def text_of_html(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())
