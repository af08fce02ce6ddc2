"""A national admin gives each municipality its first administrator, who chooses their
password from a mailed link and then manages their municipality alone."""
import re

import pytest

from models import AuditEntry, User
from tests.conftest import count, text_of
from tests.test_thread import browser

PAGE = "/municipalidades/administradores"
APPOINTED = {"municipality": "pacocha", "email": "alcaldia@pacocha.example",
             "display_name": "Administración de Pacocha"}
PASSWORD = {"new_password": "una clave larga de Pacocha",
            "new_password_again": "una clave larga de Pacocha"}


@pytest.fixture
def national(app, make_user):
    return browser(app, make_user("admin", name="Mesa nacional", national=True), "admin")


def invitation(message):
    return re.search(r"http://localhost(/clave/nueva/\S+)", message.body).group(1)


def test_a_national_admin_gives_a_municipality_its_first_admin(app, national, mail_outbox):
    from portal.services.municipalities import municipality_by_address

    response = national.post(PAGE, data=APPOINTED)
    assert response.status_code == 302
    page = text_of(national.get(PAGE))
    assert ("alcaldia@pacocha.example administra la Municipalidad Distrital de Pacocha - Ilo, "
            "Moquegua") in page
    assert "Administración de Pacocha alcaldia@pacocha.example Aún no ha entrado" in page
    with app.app_context():
        admin = User.query.filter_by(email="alcaldia@pacocha.example").one()
        pacocha = municipality_by_address("pacocha")
        assert (admin.role, admin.municipality_id, admin.national) == ("admin", pacocha.id,
                                                                        False)
    # On Pacocha's own audit log, not the first municipality's.
    assert count(app, AuditEntry, action="admin_appointed", municipality_id=pacocha.id) == 1
    assert count(app, AuditEntry, action="admin_appointed", municipality_id=None) == 0

    message = mail_outbox[-1]
    assert message.recipients == ["alcaldia@pacocha.example"]
    assert "Municipalidad Distrital de Pacocha" in message.subject
    link = invitation(message)
    # A reset link lasts an hour; an invitation, two days.
    app.config["PASSWORD_RESET_SECONDS"] = -1
    try:
        chosen = app.test_client().post(link, data=PASSWORD)
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = 3600
    assert chosen.status_code == 302
    signed = app.test_client().post("/entrar", data={"email": "alcaldia@pacocha.example",
                                                     "password": PASSWORD["new_password"]})
    assert signed.headers["Location"].startswith("/entrar/activar-segundo-factor")
    assert app.test_client().post(link, data=PASSWORD).status_code == 401  # once


@pytest.mark.parametrize("change, message", [
    ({"municipality": "atlantida"}, "No hay ninguna municipalidad en la dirección atlantida."),
    ({"municipality": "150101"}, "no tiene ningún plan cargado"),
    ({"municipality": ""}, "Este campo es obligatorio."),
    ({"email": "no-es-correo"}, "Escriba un correo electrónico válido"),
    ({"display_name": "A"}, "Entre 2 y 80 caracteres."),
])
def test_an_appointment_said_wrong_changes_nothing(app, national, mail_outbox, change, message):
    before = count(app, User)
    response = national.post(PAGE, data=APPOINTED | change)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, User) == before and count(app, AuditEntry) == 0
    assert mail_outbox == []


def test_an_address_already_an_account_is_refused(app, national, make_user, mail_outbox):
    _, email = make_user()
    response = national.post(PAGE, data=APPOINTED | {"email": email})
    assert response.status_code == 400
    assert f"Ya existe una cuenta con el correo {email}." in text_of(response)
    assert mail_outbox == []


def test_only_national_admins_appoint_and_they_act_for_no_municipality(app, national,
                                                                        make_user):
    for role in ("admin", "official", "resident"):
        client = browser(app, make_user(role), role)
        assert client.get(PAGE).status_code == 403, role
        assert client.post(PAGE, data=APPOINTED).status_code == 403, role
    assert "/entrar" in app.test_client().get(PAGE).headers["Location"]
    # A national admin is no municipality's: no accounts, log, committees or reports.
    for url in ("/admin/cuentas", "/admin/auditoria", "/comites/nuevo",
                "/m/pacocha/comites/nuevo", "/metas/S4.1/reportes/nuevo", "/moderacion"):
        assert national.get(url).status_code == 403, url
    assert "Administradores de las municipalidades" in text_of(national.get("/"))


def test_the_command_line_makes_a_national_admin(app, runner):
    made = runner.invoke(args=["users", "create", "--email", "mesa@example.org", "--name",
                               "Mesa nacional", "--role", "admin", "--national"],
                         input="una clave nacional muy larga\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        assert User.query.filter_by(email="mesa@example.org").one().national
    refused = runner.invoke(args=["users", "create", "--email", "otra@example.org", "--name",
                                  "Otra", "--role", "official", "--national"],
                            input="una clave nacional muy larga\n")
    assert refused.exit_code == 1
    assert "Un administrador nacional tiene el rol de administrador" in refused.output
