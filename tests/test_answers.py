"""Whether the municipality answers its vigilance committees within the deadline."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import Notification, Observation, ObservationResponse, db
from models.base import utcnow
from tests.conftest import text_of
from tests.test_api import checked, openapi  # noqa: F401 (openapi is a fixture)
from tests.test_notifications import queued_app, scheduled  # noqa: F401 (a fixture)
from tests.test_thread import browser


def observe(app, client, goal, body, days_ago):
    client.post(f"/metas/{goal}/observaciones", data={
        "committee": "COPALE", "kind": "alerta", "body": body})
    with app.app_context():
        db.session.execute(update(Observation).where(Observation.body == body).values(
            created_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()
        return db.session.scalar(select(Observation.id).where(Observation.body == body))


def answer(app, official, observation_id, days_after):
    official.post(f"/observaciones/{observation_id}/respuesta", data={"body": "Respondida."})
    with app.app_context():
        posted = db.session.get(Observation, observation_id).created_at
        db.session.execute(update(ObservationResponse).where(
            ObservationResponse.observation_id == observation_id).values(
            created_at=posted + timedelta(days=days_after)))
        db.session.commit()


def test_answers_on_time_late_and_overdue_are_counted_and_shown(app, make_user):
    copale = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    official = browser(app, make_user("official"), "official")
    on_time = observe(app, copale, "S4.1", "Faltan pupitres.", days_ago=40)
    late = observe(app, copale, "S4.2", "Faltan libros.", days_ago=35)
    observe(app, copale, "S4.3", "Falta el docente.", days_ago=20)
    observe(app, copale, "S5.1", "Falta agua.", days_ago=3)
    answer(app, official, on_time, days_after=4)
    answer(app, official, late, days_after=30)

    page = text_of(app.test_client().get("/respuestas"))
    assert "La municipalidad tiene 15 días calendario para responder" in page
    assert ("COPALE 4 2 1 17 días 30 días Meta S4.3 (20 días)" in page)

    goal = text_of(app.test_client().get("/metas/S4.3"))
    assert "Vencida: la respuesta debía darse el" in goal and "20 días de espera" in goal
    assert "La respuesta debe darse a más tardar el" in text_of(
        app.test_client().get("/metas/S5.1"))
    assert "Vencida" in text_of(app.test_client().get("/comites/COPALE"))


def test_no_observations_yet(client):
    assert "Ningún comité ha publicado aún una observación." in text_of(client.get("/respuestas"))


def test_the_figures_are_open_data_and_in_the_api(app, make_user, openapi):
    copale = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    official = browser(app, make_user("official"), "official")
    answered = observe(app, copale, "S4.1", "Faltan pupitres.", days_ago=40)
    observe(app, copale, "S4.3", "Falta el docente.", days_ago=20)
    answer(app, official, answered, days_after=4)
    client = app.test_client()
    document = checked(client, openapi, "/api/v1/answers").get_json()
    assert document["answer_days"] == 15
    [row] = document["rows"]
    assert row | {"quarter": None} == {
        "plan": "2019-2022", "quarter": None, "committee_code": "COPALE", "posted": 2, "answered": 1,
        "answered_in_time": 1, "median_answer_days": 4, "longest_answer_days": 4,
        "overdue_now": 1, "overdue_goals": ["S4.3"]}
    csv = client.get("/datos/respuestas.csv").get_data(as_text=True).splitlines()
    assert csv[0] == ("plan,quarter,committee_code,posted,answered,answered_in_time,"
                      "median_answer_days,longest_answer_days,overdue_now,overdue_goals")
    assert csv[1].startswith("2019-2022,") and csv[1].endswith(",COPALE,2,1,1,4,4,1,S4.3")
    assert "@" not in client.get("/datos/respuestas.json").get_data(as_text=True)



def remind(app):
    from portal.services.answers import remind_officials

    with app.app_context():
        remind_officials()


def reminders(app, user):
    with app.app_context():
        return [(n.event, n.goal.code, n.particulars) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user[0],
                                       Notification.event.like("answer_%"))
            .order_by(Notification.id))]


def test_officials_are_reminded_at_ten_days_and_at_the_deadline_once_each(app, make_user):
    copale = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    official, resident = make_user("official"), make_user()
    gone = make_user("official", deactivated=True)
    waiting = observe(app, copale, "S4.1", "Faltan pupitres.", days_ago=11)
    observe(app, copale, "S4.2", "Faltan libros.", days_ago=16)
    observe(app, copale, "S4.3", "Falta el docente.", days_ago=9)  # not yet
    answered = observe(app, copale, "S5.1", "Falta agua.", days_ago=20)
    answer(app, browser(app, make_user("official"), "official"), answered, days_after=3)
    observe(app, copale, "S5.2", "Falta luz.", days_ago=200)  # long overdue: on /respuestas
    remind(app)
    remind(app)  # the next day's run tells nothing twice
    assert reminders(app, official) == [
        ("answer_overdue", "S4.2", {"committee": "COPALE", "days": 16}),
        ("answer_due_soon", "S4.1", {"committee": "COPALE", "days": 11, "left": 4})]
    assert reminders(app, resident) == [] and reminders(app, gone) == []
    # Five days later the first one is past its deadline too.
    with app.app_context():
        db.session.execute(update(Observation).where(Observation.id == waiting).values(
            created_at=utcnow() - timedelta(days=15, hours=1)))
        db.session.commit()
    remind(app)
    assert [event for event, *_ in reminders(app, official)] == [
        "answer_overdue", "answer_due_soon", "answer_overdue"]
    inbox = text_of(browser(app, official, "official").get("/notificaciones"))
    assert ("Meta S4.1: la observación de COPALE ha esperado 11 días una respuesta. "
            "Quedan 4 días para responderla a tiempo.") in inbox
    assert ("Meta S4.2: la observación de COPALE venció su plazo de respuesta; "
            "lleva 16 días de espera.") in inbox


def test_reminders_are_only_offered_to_officials(app, make_user):
    official = browser(app, make_user("official"), "official")
    resident = browser(app, make_user(), "resident")
    assert "Una observación de un comité venció su plazo" in text_of(
        official.get("/cuenta/avisos"))
    page = text_of(resident.get("/cuenta/avisos"))
    assert "venció su plazo" not in page and "Se publica un reporte" in page
    assert "Se reporta un comentario" not in page  # what committee members are told


def test_the_worker_schedules_the_daily_reminders(queued_app):
    from portal.services.answers import schedule_reminders
    with queued_app.app_context():
        schedule_reminders()
        schedule_reminders()  # the worker started twice: still one job for that day
        assert len(scheduled("reminders-")) == 1


def test_a_reminders_run_that_fails_leaves_the_next_days_on_the_schedule(queued_app,
                                                                         monkeypatch):
    from portal.services import answers

    def broken():
        raise RuntimeError("the database went away")
    monkeypatch.setattr(answers, "utcnow", broken)
    with queued_app.app_context():
        with pytest.raises(RuntimeError):
            answers.remind_officials()
        assert scheduled("reminders-")
