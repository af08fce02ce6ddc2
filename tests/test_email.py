"""E-mail for real: a worker on Redis sends through an SMTP server on 127.0.0.1."""
import re
from contextlib import contextmanager

import pytest
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import select

from models import Delivery, NotificationSetting, db
from portal import jobs
from portal.extensions import mail
from tests.conftest import text_of
from tests.live import SmtpServer
from tests.test_notifications import queued_app, run_worker, scheduled  # noqa: F401 (a fixture)
from tests.test_thread import browser, comment_id


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    if server.controller._thread is not None:
        server.stop()


@contextmanager
def sending_mail_to(app, smtp, portal_url):
    """The app's e-mail sent for real to ``smtp``, its links to ``portal_url``; then back."""
    names = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_SUPPRESS_SEND", "PORTAL_URL")
    saved = {name: app.config[name] for name in names}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False,
                      MAIL_SUPPRESS_SEND=False, PORTAL_URL=portal_url)
    mail.init_app(app)
    try:
        yield
    finally:
        app.config.update(saved)
        mail.init_app(app)


@pytest.fixture
def mailing_app(queued_app, smtp):
    """The app sending for real: jobs on a Redis queue, mail to the SMTP server above."""
    with sending_mail_to(queued_app, smtp, "https://rendicion.example.pe"):
        yield queued_app


def replied_to(app, make_user, language="es"):
    """Ana comments on S7.6 in ``language``; Luis replies to her."""
    ana = make_user(name="Ana Flores")
    client = app.test_client()
    client.set_cookie("idioma", language)
    from tests.conftest import sign_in
    sign_in(app, client, ana[1], "resident")
    client.post("/metas/S7.6/comentarios", data={"body": "¿Cuándo empieza la obra?"})
    first = comment_id(app, "¿Cuándo empieza la obra?")
    luis = browser(app, make_user(name="Luis Mamani"), "resident")
    luis.post(f"/comentarios/{first}/responder", data={"body": "Dicen que en marzo."})
    return ana


def test_a_reply_is_emailed_in_the_readers_language(mailing_app, smtp, make_user):
    ana = replied_to(mailing_app, make_user, language="en")
    assert smtp.inbox.messages == []  # the request only queued the work
    run_worker(mailing_app)
    [(recipients, message)] = smtp.inbox.messages
    assert recipients == [ana[1]]
    assert message["Subject"] == ("Accountability portal: Goal S7.6: Luis Mamani replied to "
                                  "your comment.")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello, Ana Flores." in text
    link = re.search(r"https://rendicion\.example\.pe/metas/S7\.6#comentario-\d+", text)
    assert link and link.group(0) in html
    raw = smtp.inbox.raw[0]
    assert re.search(r"^List-Unsubscribe: <https://rendicion\.example\.pe/avisos/baja/\S+>\r?$",
                     raw, re.M)  # a plain link, as mail programs read it
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://rendicion.example.pe/avisos/baja/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_works_without_signing_in(mailing_app, smtp, make_user):
    ana = replied_to(mailing_app, make_user)
    run_worker(mailing_app)
    [(_, message)] = smtp.inbox.messages
    path = message["List-Unsubscribe"].strip("<>").replace("https://rendicion.example.pe", "")
    stranger = mailing_app.test_client()
    assert "¿Dejar los correos" in text_of(stranger.get(path))
    done = stranger.post(path)  # what a mail program sends: no session, no form token
    assert done.status_code == 200 and "Listo" in text_of(done)
    with mailing_app.app_context():
        assert db.session.scalar(select(NotificationSetting.cadence).where(
            NotificationSetting.user_id == ana[0], NotificationSetting.event == "reply")) == "never"
    assert stranger.post(path[:-3] + "xyz").status_code == 400
    # The next reply is on the portal, not in the mail.
    luis = browser(mailing_app, make_user(), "resident")
    first = comment_id(mailing_app, "¿Cuándo empieza la obra?")
    luis.post(f"/comentarios/{first}/responder", data={"body": "Otra respuesta."})
    run_worker(mailing_app)
    assert len(smtp.inbox.messages) == 1


def test_followers_choose_what_is_emailed_at_once(mailing_app, smtp, make_user):
    follower = make_user()
    client = browser(mailing_app, follower, "resident")
    client.post("/seguir/goal/S7.6")
    official = browser(mailing_app, make_user("official"), "official")
    official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "30",
        "narrative": "Obra en curso."})
    run_worker(mailing_app)
    assert smtp.inbox.messages == []  # reports are in the weekly digest by default
    settings = text_of(client.get("/cuenta/avisos"))
    assert "Se publica un reporte" in settings
    form = {event: "weekly" for event in ("report_corrected", "status_changed",
                                          "observation_posted", "comment_reported")}
    form |= {"report_published": "now", "observation_answered": "now", "reply": "now",
             "comment_hidden": "now", "comment_restored": "never"}
    assert client.post("/cuenta/avisos", data=form).status_code == 302
    official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T4", "status": "en_ejecucion", "progress_pct": "40",
        "narrative": "Obra avanzada."})
    run_worker(mailing_app)
    [(recipients, message)] = smtp.inbox.messages
    assert recipients == [follower[1]] and "2021-T4" in message["Subject"]


def test_with_the_smtp_server_down_the_message_waits_and_arrives_once(mailing_app, smtp,
                                                                         make_user):
    replied_to(mailing_app, make_user)
    smtp.stop()
    run_worker(mailing_app)  # the send fails: the job is kept to be tried again
    with mailing_app.app_context():
        queue = jobs.queue()
        waiting = (ScheduledJobRegistry(queue=queue).get_job_ids()
                   + FailedJobRegistry(queue=queue).get_job_ids())
        assert len(waiting) == 1
        assert db.session.scalar(select(Delivery.id)) is None
    smtp.start()
    with mailing_app.app_context():
        job = queue.fetch_job(waiting[0])
        queue.enqueue_job(job)  # its retry is due (the scheduler would wait the interval)
    run_worker(mailing_app)
    assert len(smtp.inbox.messages) == 1
    with mailing_app.app_context():
        job.func(*job.args)  # run once more, by mistake: nothing is sent again
    assert len(smtp.inbox.messages) == 1


def test_the_weekly_digest_groups_the_week_and_skips_empty_weeks(mailing_app, smtp, make_user):
    follower = make_user(name="Rosa Quispe")
    make_user()  # someone without news, who must get nothing
    browser(mailing_app, follower, "resident").post("/seguir/goal/S7.6")
    official = browser(mailing_app, make_user("official"), "official")
    for quarter, progress in (("2021-T3", "30"), ("2021-T4", "45")):
        official.post("/metas/S7.6/reportes/nuevo", data={
            "quarter": quarter, "status": "en_ejecucion", "progress_pct": progress,
            "narrative": f"Avance de {quarter}."})
    run_worker(mailing_app)
    assert smtp.inbox.messages == []  # reports are weekly by default
    from portal.services.notifications import weekly_digests
    with mailing_app.app_context():
        jobs.queue().enqueue(weekly_digests)
    run_worker(mailing_app)
    [(recipients, message)] = smtp.inbox.messages  # one e-mail, for the follower only
    assert recipients == [follower[1]]
    assert message["Subject"].startswith("Portal de rendición de cuentas: su semana")
    text = message.get_body(("plain",)).get_content()
    assert "Estas 3 cosas pasaron esta semana" in text
    assert "publicó su reporte de 2021-T3" in text and "publicó su reporte de 2021-T4" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with mailing_app.app_context():
        jobs.queue().enqueue(weekly_digests)
        assert scheduled("digests-")  # next Monday's
    run_worker(mailing_app)
    assert len(smtp.inbox.messages) == 1  # nothing new: no second digest
    # Stopping the digest by its link, without signing in.
    path = message["List-Unsubscribe"].strip("<>").replace("https://rendicion.example.pe", "")
    assert "Listo: ya no recibirá el resumen semanal" in text_of(
        mailing_app.test_client().post(path))
    with mailing_app.app_context():
        cadences = dict(db.session.execute(select(
            NotificationSetting.event, NotificationSetting.cadence).where(
            NotificationSetting.user_id == follower[0])).all())
    assert cadences["report_published"] == "never" and "reply" not in cadences


def test_an_official_is_emailed_a_reminder_at_once(mailing_app, smtp, make_user):
    from portal.services.answers import remind_officials
    from tests.test_answers import observe

    official = make_user("official")
    copale = browser(mailing_app, make_user("moderator", committees=("COPALE",)), "moderator")
    observe(mailing_app, copale, "S4.2", "Faltan libros.", days_ago=16)
    run_worker(mailing_app)  # the observation's own news (weekly) is not mailed
    assert smtp.inbox.messages == []
    with mailing_app.app_context():
        jobs.queue().enqueue(remind_officials)
    run_worker(mailing_app)
    [(recipients, message)] = smtp.inbox.messages
    assert recipients == [official[1]]
    assert "venció su plazo de respuesta" in message["Subject"]
    assert "https://rendicion.example.pe/metas/S4.2#observacion-" in (
        message.get_body(("plain",)).get_content())
