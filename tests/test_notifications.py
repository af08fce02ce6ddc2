"""Following parts of the plan and being told what happened, on the portal."""
import uuid

import pytest
from sqlalchemy import event, func, select

from models import Follow, Goal, Notification, User, db
from tests.conftest import TEST_REDIS_URL, redis_or_skip, text_of
from tests.test_thread import browser, comment_id



def told(app, user, event=None):
    """The events the user was told of, oldest first."""
    with app.app_context():
        query = select(Notification.event).where(Notification.user_id == user[0]).order_by(
            Notification.id)
        if event:
            query = query.where(Notification.event == event)
        return db.session.scalars(query).all()


def publish(app, official, quarter="2021-T3", **changes):
    data = {"quarter": quarter, "status": "en_ejecucion", "progress_pct": "30",
            "narrative": "Obra en curso."} | changes
    assert official.post("/metas/S7.6/reportes/nuevo", data=data).status_code == 302


@pytest.fixture
def official(app, make_user):
    return browser(app, make_user("official"), "official")


@pytest.mark.parametrize("kind, code, page, name", [
    ("goal", "S7.6", "/metas/S7.6", "la meta S7.6"),
    ("objective", "S7", "/objetivos/S7", "el objetivo S7"),
    ("dimension", "S", "/dimensiones/S", "la dimensión Social"),
    ("committee", "CMS", "/comites/CMS", "el comité CMS")])
def test_a_resident_follows_and_unfollows_from_the_page(app, make_user, kind, code, page, name):
    client = browser(app, make_user(), "resident")
    assert "Seguir" in text_of(client.get(page))
    done = client.post(f"/seguir/{kind}/{code}")
    assert done.status_code == 302 and done.headers["Location"] == page
    following = text_of(client.get(page))
    assert f"Usted sigue {name}:" in following and "Siguiendo" in following
    client.post(f"/dejar-de-seguir/{kind}/{code}")
    assert f"Ya no sigue {name}." in text_of(client.get(page))
    assert count_follows(app) == 0


def count_follows(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Follow))


def test_visitors_are_asked_to_sign_in_to_follow(client):
    assert "Ingrese para seguir y enterarse" in text_of(client.get("/metas/S7.6"))
    assert client.post("/seguir/goal/S7.6").status_code == 302
    assert client.post("/seguir/goal/S9.9").status_code == 302  # sign in first, then 404


def test_following_something_unknown_is_a_404(app, make_user):
    client = browser(app, make_user(), "resident")
    assert client.post("/seguir/goal/S9.9").status_code == 404
    assert client.post("/seguir/planeta/S7.6").status_code == 404


def test_commenting_follows_the_goal_and_can_be_undone(app, make_user):
    client = browser(app, make_user(), "resident")
    client.post("/metas/S7.6/comentarios", data={"body": "Me interesa esta meta."})
    page = text_of(client.get("/metas/S7.6"))
    assert "Ahora sigue la meta S7.6" in page and "Deshacer: dejar de seguir" in page
    assert count_follows(app) == 1
    client.post("/dejar-de-seguir/goal/S7.6")
    assert count_follows(app) == 0
    client.post("/metas/S7.6/calificacion", data={"stars": "4"})
    assert count_follows(app) == 1


def test_followers_of_the_goal_its_objective_and_dimension_are_told_once(app, make_user,
                                                                            official):
    by_goal, by_objective, by_dimension, by_all, nobody = (make_user() for _ in range(5))
    for user, follows in ((by_goal, [("goal", "S7.6")]), (by_objective, [("objective", "S7")]),
                          (by_dimension, [("dimension", "S")]),
                          (by_all, [("goal", "S7.6"), ("objective", "S7"), ("dimension", "S")])):
        client = browser(app, user, "resident")
        for kind, code in follows:
            client.post(f"/seguir/{kind}/{code}")
    official.post("/seguir/goal/S7.6")
    publish(app, official)
    for user in (by_goal, by_objective, by_dimension, by_all):
        assert told(app, user) == ["report_published", "status_changed"]
    assert told(app, nobody) == []
    with app.app_context():
        official_id = db.session.scalar(select(User.id).where(User.role == "official"))
    assert told(app, (official_id,)) == []  # the one who acted is not told

    publish(app, official, quarter="2021-T4", status="paralizada", cause="Sin presupuesto.")
    official.post("/metas/S7.6/reportes/2021-T3/corregir", data={
        "status": "en_ejecucion", "progress_pct": "35", "narrative": "Obra en curso.",
        "reason": "Se midió de nuevo."})
    assert told(app, by_goal) == ["report_published", "status_changed", "report_published",
                                  "status_changed", "report_corrected"]
    inbox = text_of(browser(app, by_goal, "resident").get("/notificaciones"))
    assert "Meta S7.6: se corrigió el reporte de 2021-T3. Motivo: Se midió de nuevo." in inbox
    assert "La meta S7.6 está ahora «Paralizada»." in inbox


def test_observations_answers_replies_and_moderation_reach_the_right_people(app, make_user,
                                                                              official):
    goal_follower, committee_follower = make_user(), make_user()
    browser(app, goal_follower, "resident").post("/seguir/goal/S4.1")
    browser(app, committee_follower, "resident").post("/seguir/committee/COPALE")
    member = make_user("moderator", committees=("COPALE",))
    copale = browser(app, member, "moderator")
    copale.post("/metas/S4.1/observaciones", data={
        "committee": "COPALE", "kind": "alerta", "body": "Faltan carpetas."})
    assert told(app, goal_follower) == ["observation_posted"]
    assert told(app, committee_follower) == ["observation_posted"]
    with app.app_context():
        from models import Observation
        observation = db.session.scalar(select(Observation.id))
    official.post(f"/observaciones/{observation}/respuesta", data={"body": "Llegan en abril."})
    assert told(app, goal_follower)[-1] == "observation_answered"
    assert told(app, member) == ["observation_answered"]  # its author, once

    author = make_user()
    author_client = browser(app, author, "resident")
    author_client.post("/metas/S4.1/comentarios", data={"body": "¿Y las carpetas?"})
    first = comment_id(app, "¿Y las carpetas?")
    other = browser(app, make_user(name="Vecino Luis"), "resident")
    other.post(f"/comentarios/{first}/responder", data={"body": "Tampoco llegaron aquí."})
    author_client.post(f"/comentarios/{first}/responder", data={"body": "Gracias."})
    assert told(app, author, "reply") == ["reply"]  # not for one's own reply
    other.post(f"/comentarios/{first}/reportar", data={"reason": "off_topic"})
    assert told(app, member, "comment_reported") == ["comment_reported"]
    copale.post(f"/comentarios/{first}/moderar", data={
        "action": "hide", "reason": "off_topic", "note": "Comente en S4.5."})
    copale.post(f"/comentarios/{first}/moderar", data={"action": "restore"})
    assert told(app, author)[-2:] == ["comment_hidden", "comment_restored"]
    inbox = text_of(author_client.get("/notificaciones"))
    assert "Vecino Luis respondió a su comentario" in inbox
    assert "Nota: Comente en S4.5." in inbox


def test_the_inbox_counts_unread_and_marks_all_read(app, make_user, official):
    resident = make_user()
    client = browser(app, resident, "resident")
    client.post("/seguir/goal/S7.6")
    publish(app, official)
    assert "Notificaciones (2 sin leer)" in text_of(client.get("/"))
    inbox = client.get("/notificaciones")
    assert text_of(inbox).count("Nuevo") == 2
    assert 'href="/metas/S7.6#reportes"' in inbox.get_data(as_text=True)
    client.post("/notificaciones/leidas")
    assert "sin leer" not in text_of(client.get("/"))
    assert "Nuevo" not in text_of(client.get("/notificaciones"))


def test_fan_out_is_one_statement_however_many_follow(app, make_user, official):
    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == "S7.6"))
        users = [User(email=f"seguidor{n}@example.org", display_name=f"Seguidor {n}",
                      password_hash="x", role="resident") for n in range(300)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Follow(user_id=u.id, kind="goal", target_id=goal_id) for u in users)
        db.session.commit()
    with app.app_context():
        engine = db.engine
    inserts = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATION"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        publish(app, official)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(inserts) == 2  # the report, and the change of status
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 600


@pytest.fixture
def queued_app(app):
    """The app with its jobs on a real Redis queue, run by a real worker."""
    redis_or_skip()
    from portal import jobs

    jobs.QUEUE, saved = f"portal-test-{uuid.uuid4().hex}", jobs.QUEUE
    app.config["JOBS_REDIS_URL"] = TEST_REDIS_URL
    try:
        yield app
    finally:
        with app.app_context():
            jobs.queue().delete(delete_jobs=True)
        app.config["JOBS_REDIS_URL"] = None
        jobs.QUEUE = saved


def scheduled(prefix):
    """The ids of the jobs on the worker's schedule whose id starts with ``prefix`` (within
    an app context of a ``queued_app``)."""
    from rq.registry import ScheduledJobRegistry

    from portal import jobs
    return [job_id for job_id in ScheduledJobRegistry(queue=jobs.queue()).get_job_ids()
            if job_id.startswith(prefix)]


def run_worker(app):
    from rq import SimpleWorker

    from portal.jobs import queue

    with app.app_context():
        portal_queue = queue()
        return SimpleWorker([portal_queue], connection=portal_queue.connection).work(burst=True)


def test_a_real_worker_tells_the_followers_after_the_request(queued_app, make_user):
    app = queued_app
    resident = make_user()
    browser(app, resident, "resident").post("/seguir/goal/S7.6")
    official = browser(app, make_user("official"), "official")
    publish(app, official)
    assert told(app, resident) == []  # the request only put the job on the queue
    with app.app_context():
        from portal.jobs import queue
        assert queue().count == 2
    run_worker(app)
    assert told(app, resident) == ["report_published", "status_changed"]


def test_a_job_run_twice_tells_once(queued_app, make_user):
    app = queued_app
    resident = make_user()
    browser(app, resident, "resident").post("/seguir/goal/S7.6")
    publish(app, browser(app, make_user("official"), "official"))
    with app.app_context():
        from portal.jobs import queue
        jobs = queue().jobs
    for job in jobs:
        with app.app_context():
            job.func(*job.args)
            job.func(*job.args)
    assert told(app, resident) == ["report_published", "status_changed"]
