"""Admins manage accounts and committee scopes; every change lands in the audit log."""

import pytest

from tests.conftest import PASSWORDS, sign_in, text_of


@pytest.fixture
def admin(auth, make_user):
    user = make_user("admin", name="Ana Administradora")
    auth.sign_in_as(user, "admin")
    return user


def test_an_admin_makes_a_resident_a_committee_member(app, client, admin, make_user):
    user_id, email = make_user(name="Rosa Quispe")
    response = client.post(f"/admin/cuentas/{user_id}",
                           data={"role": "moderator", "committees": ["COPALE", "CMS"]})
    assert response.status_code == 302
    assert "Rosa Quispe" in text_of(client.get("/comites/COPALE"))
    log = text_of(client.get("/admin/auditoria"))
    assert "Ana Administradora Rol o comités cambiados " + email in log
    assert "Rol: Vecino → Integrante de comité" in log
    assert "Comités: — → CMS, COPALE" in log


def test_a_moderator_needs_a_committee(client, admin, make_user):
    user_id, _ = make_user()
    response = client.post(f"/admin/cuentas/{user_id}", data={"role": "moderator"})
    assert response.status_code == 400
    assert "Un moderador debe pertenecer al menos a un comité." in text_of(response)
    assert "Nada se ha registrado" not in text_of(client.get("/admin/auditoria"))
    assert "Aún no se ha registrado nada." in text_of(client.get("/admin/auditoria"))


def test_an_unknown_role_changes_nothing(client, admin, make_user):
    user_id, _ = make_user()
    assert client.post(f"/admin/cuentas/{user_id}", data={"role": "alcalde"}).status_code == 400
    assert "Aún no se ha registrado nada." in text_of(client.get("/admin/auditoria"))


def test_an_admin_cannot_demote_or_deactivate_themselves(client, admin):
    assert client.post(f"/admin/cuentas/{admin[0]}", data={"role": "resident"}).status_code \
        == 400
    response = client.post(f"/admin/cuentas/{admin[0]}/activo", data={"active": "0"},
                           follow_redirects=True)
    assert "No puede desactivar su propia cuenta." in text_of(response)
    assert client.get("/admin/cuentas").status_code == 200


def test_deactivating_ends_sessions_keeps_contributions_and_is_audited(
        app, client, admin, make_user):
    official = make_user("official", name="Oficina de Planeamiento")
    official_browser = app.test_client()
    sign_in(app, official_browser, official[1], "official")
    official_browser.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40", "delivered": "2",
        "narrative": "Dos puestos ampliados."})

    response = client.post(f"/admin/cuentas/{official[0]}/activo", data={"active": "0"})
    assert response.status_code == 302
    assert official_browser.get("/reportes/importar").status_code == 302
    refused = app.test_client().post("/entrar", data={"email": official[1],
                                                      "password": PASSWORDS["official"]})
    assert "Esta cuenta ha sido desactivada" in text_of(refused)
    assert "Dos puestos ampliados." in text_of(client.get("/metas/S7.6"))
    assert "Cuenta desactivada " + official[1] in text_of(client.get("/admin/auditoria"))

    client.post(f"/admin/cuentas/{official[0]}/activo", data={"active": "1"})
    assert app.test_client().post("/entrar", data={
        "email": official[1], "password": PASSWORDS["official"]}).status_code == 302


def test_accounts_list_searches_by_name_or_email(client, admin, make_user):
    make_user(name="Rosa Quispe", email="rosa@example.org")
    make_user(name="Juan Mamani", email="juan@example.org")
    page = text_of(client.get("/admin/cuentas?q=quispe"))
    assert "Rosa Quispe" in page and "Juan Mamani" not in page
    assert "Juan Mamani" in text_of(client.get("/admin/cuentas?q=JUAN@"))


def test_committees_are_seeded_from_the_plan_with_their_scope(client):
    page = text_of(client.get("/comites/"))
    for name in ("Consejo Participativo Local de Educación", "Comité Distrital de Seguridad "
                 "Ciudadana", "Concejo de la Juventud", "Comité Multisectorial de Salud"):
        assert name in page
    copale = text_of(client.get("/comites/copale", follow_redirects=True))
    assert "Reactivar la participación del gobierno local y la comunidad en la educación" in copale
    assert "S4.6 01 programa de escuelas de prevención del delito" in copale
    assert "CODISEC" in text_of(client.get("/metas/I3.2"))
    assert "Vigilada por Comité Multisectorial de Salud (CMS)" in text_of(client.get("/metas/S7.6"))
    assert "Ningún comité de vigilancia vigila aún esta meta." in text_of(client.get("/metas/E1.1"))


def test_seeding_again_keeps_what_an_admin_changed(app, client, admin, runner):
    response = client.post("/comites/CODISEC/alcance", data={"objectives": ["I3", "S4"]})
    assert response.status_code == 302
    assert runner.invoke(args=["committees", "seed"]).exit_code == 0
    page = text_of(client.get("/comites/CODISEC"))
    assert "Mejorar la calidad de la educación en la provincia de Ilo" in page
    assert "Objetivos: I3 → I3, S4" in text_of(client.get("/admin/auditoria"))


def test_an_unknown_objective_changes_no_scope(client, admin):
    response = client.post("/comites/CODISEC/alcance", data={"objectives": ["I3", "Z99"]})
    assert response.status_code == 400
    assert "Objetivo desconocido: Z99" in text_of(response)
    assert "Mejorar la calidad de la educación" not in text_of(client.get("/comites/CODISEC"))


def test_an_unknown_committee_is_a_404(client):
    response = client.get("/comites/NADA")
    assert response.status_code == 404
    assert "No hay ningún comité con el código NADA." in text_of(response)
