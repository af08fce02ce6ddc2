"""A person's own data (Ley 29733): what they follow, their name and e-mail, a copy of
everything kept about them, the deletion of their account, and the privacy page."""
import json
import re

import pytest
from sqlalchemy import func, select

from models import (AuditEntry, Comment, Follow, HearingQuestion, Notification, Rating, User,
                    UserSession, db)
from portal.services.notifications import set_cadence
from tests.conftest import PASSWORDS, count, sign_in, text_of
from tests.test_checks import check, claimed  # noqa: F401 (claimed is a fixture)
from tests.test_email import mailing_app, smtp  # noqa: F401 (fixtures)
from tests.test_hearings import ask, hearing, official, question_id  # noqa: F401 (fixtures)
from tests.test_notifications import queued_app, run_worker  # noqa: F401 (a fixture)
from tests.test_thread import browser, comment_id


@pytest.fixture
def ana(app, make_user):
    user = make_user(name="Ana Flores")
    return user, browser(app, user, "resident")


# What I follow

def test_a_resident_sees_what_they_follow_and_stops_following_from_there(app, ana):
    user, client = ana
    client.post("/seguir/goal/S7.6")
    client.post("/seguir/committee/COPALE")
    assert 'href="/cuenta/seguimientos"' in client.get("/cuenta").get_data(as_text=True)
    page = client.get("/cuenta/seguimientos")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Usted sigue 2 cosas" in text_of(page)
    assert 'href="/metas/S7.6"' in html and 'href="/comites/COPALE"' in html
    with app.app_context():
        follow = db.session.scalar(select(Follow.id).where(Follow.user_id == user[0],
                                                           Follow.kind == "goal"))
    done = client.post(f"/cuenta/seguimientos/{follow}/dejar")
    assert done.status_code == 302 and done.headers["Location"] == "/cuenta/seguimientos"
    after = client.get("/cuenta/seguimientos")
    assert "Ya no lo sigue" in text_of(after) and "Usted sigue 1 cosa" in text_of(after)
    assert 'href="/metas/S7.6"' not in after.get_data(as_text=True)
    assert count(app, Follow, user_id=user[0]) == 1


def test_nobody_stops_anothers_follow_and_visitors_are_sent_to_sign_in(app, ana, make_user):
    user, client = ana
    client.post("/seguir/goal/S7.6")
    with app.app_context():
        follow = db.session.scalar(select(Follow.id).where(Follow.user_id == user[0]))
    other = browser(app, make_user(), "resident")
    assert other.post(f"/cuenta/seguimientos/{follow}/dejar").status_code == 302
    assert "Usted no sigue eso" in text_of(other.get("/cuenta/seguimientos"))
    assert "Todavía no sigue nada" in text_of(other.get("/cuenta/seguimientos"))
    visitor = app.test_client()
    assert visitor.get("/cuenta/seguimientos").status_code == 302
    assert visitor.post(f"/cuenta/seguimientos/{follow}/dejar").status_code in (302, 400)
    assert count(app, Follow, user_id=user[0]) == 1


def test_the_follows_page_speaks_english(app, ana):
    _, client = ana
    client.set_cookie("idioma", "en")
    client.post("/seguir/goal/S7.6")
    page = text_of(client.get("/cuenta/seguimientos"))
    assert "You follow 1 thing" in page and "Stop following" in page


# The name and the e-mail

def test_a_new_name_shows_with_what_the_person_wrote(app, ana):
    _, client = ana
    client.post("/metas/S7.6/comentarios", data={"body": "¿Cuándo abren el puesto?"})
    done = client.post("/cuenta/nombre", data={"name-display_name": "  Ana  de Ilo "})
    assert done.status_code == 302
    assert "Su nombre ahora es “Ana de Ilo”" in text_of(client.get("/cuenta"))
    assert "Ana de Ilo" in text_of(app.test_client().get("/metas/S7.6"))


def test_an_empty_name_is_refused_under_its_field_and_changes_nothing(app, ana):
    user, client = ana
    refused = client.post("/cuenta/nombre", data={"name-display_name": " "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="name-display_name-error"' in html and 'href="#name-display_name"' in html
    with app.app_context():
        assert db.session.get(User, user[0]).display_name == "Ana Flores"


def email_link(message):
    return re.search(r"https?://[^/\s]+(/cuenta/correo/\S+)", message.body).group(1)


def test_a_new_email_is_used_only_once_its_link_is_opened(app, ana, mail_outbox):
    user, client = ana
    asked = client.post("/cuenta/correo", data={"email-email": "Ana.Nueva@Example.org",
                                                "email-password": PASSWORDS["resident"]})
    assert asked.status_code == 302
    assert "Enviamos un enlace a ana.nueva@example.org" in text_of(client.get("/cuenta"))
    to_new, to_old = mail_outbox[-2:]
    assert to_new.recipients == ["ana.nueva@example.org"]
    assert to_old.recipients == [user[1]] and "ana.nueva@example.org" in to_old.body
    link = email_link(to_new)
    with app.app_context():
        assert db.session.get(User, user[0]).email == user[1]  # not before the link
    opened = app.test_client().get(link)  # from the phone's mail program, not signed in
    assert opened.status_code == 302
    with app.app_context():
        assert db.session.get(User, user[0]).email == "ana.nueva@example.org"
    assert "ana.nueva@example.org" in text_of(client.get("/cuenta"))
    again = app.test_client().get(link)
    assert again.status_code == 400 and "ya fue usado" in text_of(again)
    assert app.test_client().post("/entrar", data={
        "email": "ana.nueva@example.org", "password": PASSWORDS["resident"]}).status_code == 302


def test_a_wrong_password_or_a_taken_address_changes_no_email(app, ana, make_user,
                                                               mail_outbox):
    user, client = ana
    sent = len(mail_outbox)
    wrong = client.post("/cuenta/correo", data={"email-email": "otra@example.org",
                                                "email-password": "no es la clave"})
    assert wrong.status_code == 400 and 'id="email-password-error"' in wrong.get_data(
        as_text=True)
    assert "La contraseña actual no es correcta" in text_of(wrong)
    same = client.post("/cuenta/correo", data={"email-email": user[1],
                                               "email-password": PASSWORDS["resident"]})
    assert same.status_code == 400 and 'id="email-email-error"' in same.get_data(as_text=True)
    assert len(mail_outbox) == sent
    taken = make_user()
    client.post("/cuenta/correo", data={"email-email": taken[1],
                                        "email-password": PASSWORDS["resident"]})
    to_taken = mail_outbox[-2]
    assert to_taken.recipients == [taken[1]] and "/cuenta/correo/" not in to_taken.body
    with app.app_context():
        assert db.session.get(User, user[0]).email == user[1]


def test_the_email_change_is_mailed_by_the_worker_in_the_readers_language(
        mailing_app, smtp, make_user):
    user = make_user(name="Ana Flores")
    client = mailing_app.test_client()
    client.set_cookie("idioma", "en")
    sign_in(mailing_app, client, user[1], "resident")
    client.post("/cuenta/correo", data={"email-email": "ana.nueva@example.org",
                                        "email-password": PASSWORDS["resident"]})
    assert smtp.inbox.messages == []  # the request only queued the work
    run_worker(mailing_app)
    sent = {recipients[0]: message for recipients, message in smtp.inbox.messages}
    assert set(sent) == {"ana.nueva@example.org", user[1]}
    new = sent["ana.nueva@example.org"].get_body(("plain",)).get_content()
    assert "Hello, Ana Flores." in new
    link = re.search(r"https://rendicion\.example\.pe(/cuenta/correo/\S+)", new).group(1)
    assert "asked to change its e-mail to ana.nueva@example.org" in \
        sent[user[1]].get_body(("plain",)).get_content()
    assert mailing_app.test_client().get(link).status_code == 302
    with mailing_app.app_context():
        assert db.session.get(User, user[0]).email == "ana.nueva@example.org"


# A copy of my data

def test_my_data_is_one_json_file_with_my_things_and_nobody_elses(app, ana, make_user,
                                                                   claimed, hearing):
    user, client = ana
    client.post("/metas/S7.6/comentarios", data={"body": "Mi comentario propio.",
                                                 "stars": "2"})
    client.post("/seguir/committee/COPALE")
    with app.app_context():
        set_cadence(user[0], "reply", "never")
        db.session.commit()
    check(client, "partly", comment="Solo uno abierto", place="Pampa Inalámbrica")
    assert ask(client, hearing, "¿Cuándo terminan la obra?").status_code == 302
    luis = browser(app, make_user(name="Luis Mamani"), "resident")
    luis.post("/metas/S7.6/comentarios", data={"body": "El comentario de Luis.", "stars": "5"})
    ask(luis, hearing, "La pregunta de Luis.")
    response = client.get("/cuenta/datos")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user[1] and data["account"]["display_name"] == "Ana Flores"
    assert [c["body"] for c in data["comments"]] == ["Mi comentario propio."]
    assert [(r["goal"], r["stars"]) for r in data["ratings"]] == [("S7.6", 2)]
    assert [(c["goal"], c["answer"], c["place"]) for c in data["checks"]] == [
        ("S7.6", "partly", "Pampa Inalámbrica")]
    assert [q["body"] for q in data["hearing_questions"]] == ["¿Cuándo terminan la obra?"]
    assert {(f["kind"], f["code"]) for f in data["follows"]} == {("goal", "S7.6"),
                                                                 ("committee", "COPALE")}
    assert data["notification_settings"]["reply"] == "never"
    assert "Luis" not in response.get_data(as_text=True)
    assert app.test_client().get("/cuenta/datos").status_code == 302


# Deleting my account

def erase(client, contributions="keep", password=PASSWORDS["resident"], confirm="y"):
    return client.post("/cuenta/eliminar", data={"contributions": contributions,
                                                 "password": password, "confirm": confirm})


def test_deleting_the_account_ends_every_session_and_keeps_comments_signed_deleted(
        app, ana, make_user, hearing):
    user, client = ana
    phone = browser(app, user, "resident")
    client.post("/metas/S7.6/comentarios", data={"body": "Sigue cerrado el puesto.",
                                                 "stars": "2"})
    client.post("/seguir/goal/S7.6")
    ask(client, hearing, "¿Cuándo abren el puesto?")
    luis = browser(app, make_user(name="Luis Mamani"), "resident")
    luis.post(f"/comentarios/{comment_id(app, 'Sigue cerrado el puesto.')}/responder",
              data={"body": "Lo mismo veo."})
    assert count(app, Notification, user_id=user[0]) == 1
    page = client.get("/cuenta/eliminar")
    assert page.status_code == 200 and "nadie, ni un administrador" in text_of(page).lower()
    done = erase(client, "keep")
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Su cuenta fue eliminada" in text_of(client.get("/"))
    assert phone.get("/cuenta").status_code == 302  # the other session ended too
    assert client.get("/cuenta").status_code == 302
    assert count(app, UserSession, user_id=user[0]) == 0
    assert count(app, Follow, user_id=user[0]) == 0
    assert count(app, Notification, user_id=user[0]) == 0
    assert count(app, Rating, user_id=user[0]) == 1  # still counted, without a name
    with app.app_context():
        account = db.session.get(User, user[0])
        assert user[1] not in account.email and account.erased_at is not None
        assert db.session.scalar(select(User.display_name).where(User.id == user[0])) == ""
    goal = app.test_client().get("/metas/S7.6")
    assert "Sigue cerrado el puesto." in text_of(goal) and "Cuenta eliminada" in text_of(goal)
    assert "Ana Flores" not in text_of(goal)
    assert "Cuenta eliminada" in text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert app.test_client().post("/entrar", data={
        "email": user[1], "password": PASSWORDS["resident"]}).status_code == 401


def test_deleting_may_remove_the_comments_and_questions(app, ana, hearing):
    user, client = ana
    client.post("/metas/S7.6/comentarios", data={"body": "Texto que se va."})
    ask(client, hearing, "Pregunta que se va.")
    assert erase(client, "remove").status_code == 302
    goal = text_of(app.test_client().get("/metas/S7.6"))
    assert "Texto que se va." not in goal
    assert count(app, Comment, author_id=user[0], body="") == 1
    assert count(app, HearingQuestion, author_id=user[0]) == 0
    assert "Pregunta que se va." not in text_of(app.test_client().get(f"/audiencias/{hearing}"))


def test_a_question_a_moderator_decided_on_stays_emptied_so_the_log_keeps_its_subject(
        app, ana, hearing, make_user):
    user, client = ana
    ask(client, hearing, "Pregunta que se oculta.")
    ask(client, hearing, "Pregunta sin decidir.")
    hidden = question_id(app, "Pregunta que se oculta.")
    admin = browser(app, make_user("admin"), "admin")
    assert admin.post(f"/preguntas/{hidden}/ocultar", data={"reason": "spam"}).status_code \
        == 302
    assert erase(client, "remove").status_code == 302
    with app.app_context():
        kept = db.session.get(HearingQuestion, hidden)
        assert kept is not None and kept.body == "" and kept.hidden_at is not None
    assert count(app, HearingQuestion, author_id=user[0]) == 1  # the undecided one is gone
    log = app.test_client().get("/moderacion/registro").get_data(as_text=True)
    assert f'href="/audiencias/{hearing}#pregunta-{hidden}"' in log
    page = text_of(app.test_client().get(f"/audiencias/{hearing}"))
    assert "Pregunta que se oculta." not in page and "Pregunta sin decidir." not in page


@pytest.mark.parametrize("form, field", [
    ({"password": "no es la clave"}, "password"),
    ({"confirm": ""}, "confirm"),
    ({"contributions": ""}, "contributions"),
])
def test_deleting_without_the_password_or_the_confirmation_changes_nothing(app, ana, form,
                                                                           field):
    user, client = ana
    refused = erase(client, **form)
    assert refused.status_code == 400
    assert f'href="#{field}"' in refused.get_data(as_text=True)
    assert client.get("/cuenta").status_code == 200
    with app.app_context():
        assert db.session.get(User, user[0]).erased_at is None


def test_a_deleted_officials_report_still_shows_under_the_office(app, make_user):
    official = make_user("official", name="Funcionaria Rosa")
    client = browser(app, official, "official")
    assert client.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
        "narrative": "Dos puestos ampliados en Pampa Inalámbrica."}).status_code == 302
    done = client.post("/cuenta/eliminar", data={
        "contributions": "keep", "password": PASSWORDS["official"], "confirm": "y"})
    assert done.status_code == 302
    goal = text_of(app.test_client().get("/metas/S7.6"))
    assert "Dos puestos ampliados en Pampa Inalámbrica." in goal
    assert "Funcionaria Rosa" not in goal


def test_an_admin_sees_a_deleted_account_and_cannot_restore_it(app, ana, make_user):
    user, client = ana
    erase(client)
    admin = browser(app, make_user("admin"), "admin")
    listed = text_of(admin.get("/admin/cuentas"))
    assert "Eliminada por su titular" in listed and user[1] not in listed
    page = admin.get(f"/admin/cuentas/{user[0]}")
    assert "Reactivar la cuenta" not in text_of(page) and "Nadie puede restaurarla" in text_of(page)
    admin.post(f"/admin/cuentas/{user[0]}/activo", data={"active": "1"})
    with app.app_context():
        account = db.session.get(User, user[0])
        assert account.deactivated_at is not None and account.erased_at is not None
        assert not db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.subject == user[1]))


# The privacy page

@pytest.mark.parametrize("language, words", [
    ("es", ["Municipalidad Provincial de Ilo", "Ley N.º 29733", "Cuánto tiempo",
            "30 días", "sin los datos que agrega la cámara"]),
    ("en", ["Municipalidad Provincial de Ilo", "Ley N.º 29733", "For how long",
            "30 days", "without the data the camera adds"]),
])
def test_the_privacy_page_says_what_is_kept_and_is_linked_from_every_page(
        client, language, words):
    client.set_cookie("idioma", language)
    page = client.get("/privacidad")
    assert page.status_code == 200
    for word in words:
        assert word in text_of(page)
    assert 'href="/privacidad"' in client.get("/").get_data(as_text=True)
    assert 'href="/privacidad"' in client.get("/registro").get_data(as_text=True)
