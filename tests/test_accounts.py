"""Registering, signing in and out, sessions that really end, and the users command."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from models import User, UserSession, db
from models.base import utcnow
from tests.conftest import PASSWORDS, sign_in, text_of


def register(client, email="vecina@example.org", password="mi jardín tiene flores",
             again=None, name="Vecina de Pampa Inalámbrica"):
    return client.post("/registro", data={
        "display_name": name, "email": email, "password": password,
        "password_again": password if again is None else again})


def confirmation_link(message):
    return re.search(r"http://localhost(/confirmar/\S+)", message.body).group(1)


def count_users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_confirm_then_sign_in(client, auth, mail_outbox):
    response = register(client)
    assert response.status_code == 200
    assert "Revise su correo" in text_of(response)
    assert len(mail_outbox) == 1
    assert mail_outbox[0].recipients == ["vecina@example.org"]

    refused = auth.sign_in("vecina@example.org", "mi jardín tiene flores")
    assert refused.status_code == 401
    assert "Confirme primero su correo" in text_of(refused)

    confirmed = client.get(confirmation_link(mail_outbox[0]))
    assert confirmed.status_code == 302
    assert auth.sign_in("Vecina@Example.org ", "mi jardín tiene flores").status_code == 302
    assert "Vecina de Pampa Inalámbrica" in text_of(client.get("/"))


def test_registering_a_known_email_looks_the_same_and_warns_its_owner(
        app, client, make_user, mail_outbox):
    _, email = make_user()
    before = count_users(app)
    fresh = text_of(register(client, email="nueva@example.org"))
    known = register(client, email=email)
    assert known.status_code == 200
    assert text_of(known) == fresh.replace("nueva@example.org", email)
    assert count_users(app) == before + 1
    assert "ya tiene una cuenta" in mail_outbox[-1].body
    assert "/confirmar/" not in mail_outbox[-1].body


@pytest.mark.parametrize("password, again, message", [
    ("corta", None, "al menos 10 caracteres"),
    ("1234567890", None, "demasiado común"),
    ("aaaaaaaaaaaa", None, "demasiado común"),
    ("x" * 257, None, "como máximo 256 caracteres"),
    ("una clave suficientemente larga", "otra clave", "no son iguales"),
])
def test_weak_or_mismatched_passwords_are_refused_keeping_what_was_typed(
        app, client, password, again, message):
    before = count_users(app)
    response = register(client, password=password, again=again)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text_of(response)
    assert 'value="Vecina de Pampa Inalámbrica"' in page
    assert 'value="vecina@example.org"' in page
    assert count_users(app) == before


def test_a_bad_email_gets_a_clear_message(client):
    response = register(client, email="no-es-un-correo")
    assert response.status_code == 400
    assert "Escriba un correo electrónico válido" in text_of(response)


def test_sign_in_errors_do_not_reveal_whether_an_email_exists(client, auth, make_user):
    _, email = make_user()
    wrong_password = auth.sign_in(email, "no es la clave correcta")
    unknown_email = auth.sign_in("nadie@example.org", "no es la clave correcta")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert text_of(wrong_password).replace(email, "") == \
        text_of(unknown_email).replace("nadie@example.org", "")
    assert "El correo o la contraseña no son correctos." in text_of(unknown_email)


def test_failed_sign_ins_are_throttled_per_address(client, auth):
    for _attempt in range(5):
        assert auth.sign_in("nadie@example.org", "no es la clave correcta").status_code == 401
    throttled = auth.sign_in("otra@example.org", "no es la clave correcta")
    assert throttled.status_code == 429
    assert "Demasiadas solicitudes" in text_of(throttled)


def test_failed_sign_ins_are_throttled_per_email_from_any_address(app, make_user):
    _, email = make_user()
    for number in range(5):
        client = app.test_client()
        response = client.post("/entrar", data={"email": email, "password": "equivocada 123"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{number}"})
        assert response.status_code == 401
    response = app.test_client().post(
        "/entrar", data={"email": email, "password": PASSWORDS["resident"]},
        environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429


def test_successful_sign_ins_are_not_counted_against_the_limit(client, auth, make_user):
    user = make_user()
    for _attempt in range(7):
        auth.sign_in_as(user, "resident")
        auth.sign_out()


def test_signing_out_ends_the_session_on_the_server(app, client, auth, make_user):
    user = make_user()
    auth.sign_in_as(user, "resident")
    cookie = client.get_cookie("session").value
    auth.sign_out()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/cuenta").status_code == 302
    assert "Entrar" in text_of(replay.get("/"))


def test_changing_the_password_ends_the_other_sessions(app, make_user):
    user = make_user()
    phone, office = app.test_client(), app.test_client()
    for browser in (phone, office):
        assert browser.post("/entrar", data={"email": user[1], "password": PASSWORDS[
            "resident"]}).status_code == 302
    response = phone.post("/cuenta", data={
        "current_password": PASSWORDS["resident"], "new_password": "otra clave bien larga",
        "new_password_again": "otra clave bien larga"})
    assert response.status_code == 302
    assert phone.get("/cuenta").status_code == 200
    assert office.get("/cuenta").status_code == 302
    assert app.test_client().post("/entrar", data={
        "email": user[1], "password": "otra clave bien larga"}).status_code == 302


def test_a_wrong_current_password_changes_nothing(client, auth, make_user):
    user = make_user()
    auth.sign_in_as(user, "resident")
    response = client.post("/cuenta", data={
        "current_password": "no es la actual", "new_password": "otra clave bien larga",
        "new_password_again": "otra clave bien larga"})
    assert response.status_code == 400
    assert "La contraseña actual no es correcta." in text_of(response)
    auth.sign_out()
    auth.sign_in_as(user, "resident")


@pytest.mark.parametrize("role, expires", [("official", True), ("admin", True),
                                           ("resident", False), ("moderator", False)])
def test_official_and_admin_sessions_expire_after_30_idle_minutes(
        app, client, auth, make_user, role, expires):
    user = make_user(role, committees=("COPALE",) if role == "moderator" else ())
    auth.sign_in_as(user, role)
    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_id == user[0]).values(
            last_seen_at=utcnow() - timedelta(minutes=31)))
        db.session.commit()
    assert (client.get("/cuenta").status_code == 302) is expires


def test_a_deactivated_account_cannot_sign_in(client, auth, make_user):
    user = make_user(deactivated=True)
    response = auth.sign_in(user[1], PASSWORDS["resident"])
    assert response.status_code == 401
    assert "Esta cuenta ha sido desactivada" in text_of(response)


def test_users_create_reads_the_password_from_standard_input(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Planeamiento@Ilo.gob.pe",
                                 "--name", "Gerencia de Planeamiento", "--role", "official"],
                           input="una clave municipal muy segura\n")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.post("/entrar", data={"email": "planeamiento@ilo.gob.pe",
                                         "password": "una clave municipal muy segura"}
                       ).status_code == 302


@pytest.mark.parametrize("args, password, message", [
    (["--role", "official"], "solo14caracter", "al menos 15 caracteres"),
    (["--role", "moderator"], "una clave de comité segura", "al menos a un comité"),
    (["--role", "moderator", "--committee", "NOEXISTE"], "una clave de comité segura",
     "Comité desconocido: NOEXISTE"),
    (["--role", "admin", "--municipality", "no-existe"], "una clave de administración segura",
     "No hay ninguna municipalidad en la dirección no-existe"),
    (["--role", "admin", "--municipality", "el-algarrobal"], "una clave de administración segura",
     "no tiene ningún plan cargado"),
])
def test_users_create_refuses_bad_accounts(app, runner, args, password, message):
    before = count_users(app)
    result = runner.invoke(args=["users", "create", "--email", "x@example.org", "--name", "Xiomara",
                                 *args], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert count_users(app) == before


def test_users_create_gives_a_municipality_its_first_admin(app, runner):
    from models import User, db
    from portal.services.municipalities import municipality_by_address
    result = runner.invoke(args=["users", "create", "--email", "alcaldia@pacocha.example",
                                 "--name", "Administración de Pacocha", "--role", "admin",
                                 "--municipality", "180303"],
                           input="una clave de administración segura\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.email == "alcaldia@pacocha.example"))
        assert admin.municipality_id == municipality_by_address("pacocha").id
    # Ilo's is the municipality first published: its staff name none.
    runner.invoke(args=["users", "create", "--email", "otra@ilo.example", "--name", "Otra",
                        "--role", "official", "--municipality", "ilo"],
                  input="una clave municipal muy segura\n")
    with app.app_context():
        assert db.session.scalar(db.select(User.municipality_id).where(
            User.email == "otra@ilo.example")) is None


def test_users_create_puts_a_moderator_in_a_committee(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "rosa@example.org", "--name",
                                 "Rosa Quispe", "--role", "moderator", "--committee", "copale"],
                           input="una clave de comité segura\n")
    assert result.exit_code == 0, result.output
    assert "Rosa Quispe" in text_of(app.test_client().get("/comites/COPALE"))


@pytest.mark.parametrize("url", ["/registro", "/entrar"])
def test_forms_render_no_empty_attributes(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '="None"' not in html


def reset_link(message):
    return re.search(r"http://localhost(/clave/nueva/\S+)", message.body).group(1)


def test_a_forgotten_password_is_replaced_through_a_mailed_link(app, client, make_user,
                                                                mail_outbox):
    user = make_user()
    phone = app.test_client()
    sign_in(app, phone, user[1], "resident")
    asked = client.post("/clave/olvido", data={"email": user[1]})
    assert "Si %s pertenece a una cuenta" % user[1] in text_of(asked)
    link = reset_link(mail_outbox[-1])
    weak = client.post(link, data={"new_password": "corta", "new_password_again": "corta"})
    assert weak.status_code == 400 and "al menos 10 caracteres" in text_of(weak)
    done = client.post(link, data={"new_password": "una clave nueva y larga",
                                   "new_password_again": "una clave nueva y larga"})
    assert done.status_code == 302
    assert phone.get("/cuenta").status_code == 302  # every session ended
    assert client.post("/entrar", data={"email": user[1], "password": "una clave nueva y larga"}
                       ).status_code == 302
    again = app.test_client().post(link, data={"new_password": "otra clave distinta ya",
                                               "new_password_again": "otra clave distinta ya"})
    assert again.status_code == 401 and "ya fue usado" in text_of(again)


def test_asking_for_an_unknown_email_looks_the_same_and_sends_nothing(client, make_user,
                                                                       mail_outbox):
    user = make_user()
    known = text_of(client.post("/clave/olvido", data={"email": user[1]}))
    unknown = text_of(client.post("/clave/olvido", data={"email": "nadie@example.org"}))
    assert known.replace(user[1], "") == unknown.replace("nadie@example.org", "")
    assert [m.recipients for m in mail_outbox] == [[user[1]]]


def test_an_expired_or_forged_link_changes_nothing(app, client, make_user, mail_outbox):
    user = make_user()
    client.post("/clave/olvido", data={"email": user[1]})
    link = reset_link(mail_outbox[-1])
    form = {"new_password": "una clave nueva y larga",
            "new_password_again": "una clave nueva y larga"}
    app.config["PASSWORD_RESET_SECONDS"] = -1
    try:
        expired = client.post(link, data=form)
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = 3600
    assert expired.status_code == 401 and "Este enlace ha vencido" in text_of(expired)
    forged = client.post("/clave/nueva/abc.def", data=form)
    assert forged.status_code == 401
    assert client.post("/entrar", data={"email": user[1], "password": PASSWORDS["resident"]}
                       ).status_code == 302


def test_a_used_or_expired_reset_link_says_so_when_opened(app, client, make_user, mail_outbox):
    user = make_user()
    client.post("/clave/olvido", data={"email": user[1]})
    link = reset_link(mail_outbox[-1])
    fresh = client.get(link)
    assert fresh.status_code == 200 and 'name="new_password"' in fresh.get_data(as_text=True)
    app.config["PASSWORD_RESET_SECONDS"] = -1
    try:
        expired = client.get(link)
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = 3600
    assert expired.status_code == 400 and "Este enlace ha vencido" in text_of(expired)
    assert 'name="new_password"' not in expired.get_data(as_text=True)
    assert 'href="/clave/olvido"' in expired.get_data(as_text=True)
    client.post(link, data={"new_password": "una clave nueva y larga",
                            "new_password_again": "una clave nueva y larga"})
    used = app.test_client().get(link)
    assert used.status_code == 400 and "ya fue usado" in text_of(used)
    assert 'name="new_password"' not in used.get_data(as_text=True)
    english = app.test_client()
    english.set_cookie("idioma", "en")
    assert "already used" in text_of(english.get(link))
    assert app.test_client().get("/clave/nueva/abc.def").status_code == 400
