"""Each municipality's vigilance committees: its admins create them and give them members,
who moderate and observe its goals alone; its moderation queue and log are its own."""
import pytest

from models import AuditEntry, Committee, ModerationAction
from tests.conftest import count, text_of
from tests.test_thread import browser, comment_id

NEW_COMMITTEE = {"code": "copale", "name": "Comité de vigilancia de Pacocha",
                 "description": "Vigila las campañas de salud.", "objectives": ["S1"]}


@pytest.fixture
def pacocha_admin(app, make_user):
    return browser(app, make_user("admin", name="Administración Pacocha",
                                  municipality="pacocha"), "admin")


@pytest.fixture
def pacocha_copale(app, pacocha_admin):
    """Pacocha's own COPALE, overseeing its objective S1: a code Ilo has a committee of too."""
    assert pacocha_admin.post("/m/pacocha/comites/nuevo",
                              data=NEW_COMMITTEE).status_code == 302


def test_an_admin_creates_a_committee_of_their_municipality(app, pacocha_admin):
    form = pacocha_admin.get("/m/pacocha/comites/nuevo")
    assert form.status_code == 200
    assert "S1" in text_of(form) and "S7" not in text_of(form)  # Pacocha's objectives only
    response = pacocha_admin.post("/m/pacocha/comites/nuevo", data=NEW_COMMITTEE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/m/pacocha/comites/COPALE"
    page = text_of(pacocha_admin.get("/m/pacocha/comites/COPALE"))
    assert "Comité de vigilancia de Pacocha" in page and "S1.1" in page
    assert "Comité de vigilancia de Pacocha" in text_of(app.test_client().get(
        "/m/pacocha/comites/"))
    # Ilo's COPALE is another committee, with its own name and objectives.
    ilo = text_of(app.test_client().get("/comites/COPALE"))
    assert "Comité de vigilancia de Pacocha" not in ilo and "S4.1" in ilo
    assert "Comité de vigilancia de Pacocha" not in text_of(app.test_client().get("/comites/"))
    log = text_of(pacocha_admin.get("/admin/auditoria"))
    assert "Comité creado COPALE" in log


@pytest.mark.parametrize("change, field, message", [
    ({"code": "C"}, "code", "El código de un comité tiene de 2 a 16 letras o dígitos"),
    ({"code": "1ABC"}, "code", "El código de un comité tiene de 2 a 16 letras o dígitos"),
    ({"name": "  "}, "name", "El nombre debe tener entre 3 y 200 caracteres."),
    ({"objectives": []}, "objectives", "Elija al menos un objetivo"),
    ({"objectives": ["S1", "S7"]}, "objectives", "Objetivo desconocido: S7"),
])
def test_a_committee_said_wrong_is_refused_with_a_clear_message(app, pacocha_admin, change,
                                                                 field, message):
    response = pacocha_admin.post("/m/pacocha/comites/nuevo", data=NEW_COMMITTEE | change)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, Committee) == count(app, Committee, municipality_id=None)
    assert "Comité creado" not in text_of(pacocha_admin.get("/admin/auditoria"))


def test_a_code_is_unique_in_its_municipality(app, pacocha_admin, pacocha_copale):
    again = pacocha_admin.post("/m/pacocha/comites/nuevo", data=NEW_COMMITTEE)
    assert again.status_code == 400
    assert "Ya existe un comité con el código COPALE." in text_of(again)


def test_only_a_municipalitys_own_admins_manage_its_committees(app, make_user, pacocha_admin,
                                                                 pacocha_copale):
    ilo_admin = browser(app, make_user("admin"), "admin")
    assert ilo_admin.post("/m/pacocha/comites/nuevo", data=NEW_COMMITTEE | {
        "code": "CVX"}).status_code == 403
    assert ilo_admin.post("/m/pacocha/comites/COPALE/alcance",
                          data={"objectives": ["S2"]}).status_code == 403
    assert pacocha_admin.post("/comites/nuevo", data=NEW_COMMITTEE | {
        "code": "CVX"}).status_code == 403
    assert pacocha_admin.post("/comites/COPALE/alcance",
                              data={"objectives": ["S1"]}).status_code == 403
    # Its own committee's scope, within its own plan.
    assert pacocha_admin.post("/m/pacocha/comites/COPALE/alcance",
                              data={"objectives": ["S1", "S2"]}).status_code == 302
    assert pacocha_admin.post("/m/pacocha/comites/COPALE/alcance",
                              data={"objectives": ["S7"]}).status_code == 400


def test_a_member_moderates_and_observes_the_goals_of_their_municipality_alone(
        app, make_user, pacocha_admin, pacocha_copale):
    resident = make_user(name="Rosa de Pacocha")
    resident_id = resident[0]
    response = pacocha_admin.post(f"/admin/cuentas/{resident_id}",
                                  data={"role": "moderator", "committees": ["COPALE"]})
    assert response.status_code == 302
    # An Ilo committee's code is not Pacocha's to give.
    other_id, _ = make_user()
    assert pacocha_admin.post(f"/admin/cuentas/{other_id}", data={
        "role": "moderator", "committees": ["CODISEC"]}).status_code == 400
    assert "Rosa de Pacocha" in text_of(app.test_client().get("/m/pacocha/comites/COPALE"))
    member = browser(app, resident, "resident")  # made a member: signs in as before
    ilo_member = browser(app, make_user("moderator", ("COPALE",)), "moderator")

    author = browser(app, make_user(), "resident")
    author.post("/m/pacocha/metas/S1.1/comentarios", data={"body": "Compre en mi tienda."})
    author.post("/metas/S4.1/comentarios", data={"body": "Compre en la mía."})
    pacocha_comment = comment_id(app, "Compre en mi tienda.")
    ilo_comment = comment_id(app, "Compre en la mía.")
    reporter = browser(app, make_user(), "resident")
    for cid in (pacocha_comment, ilo_comment):
        reporter.post(f"/comentarios/{cid}/reportar", data={"reason": "spam"})

    # Each queue holds its own municipality's comment.
    queue = text_of(member.get("/m/pacocha/moderacion"))
    assert "Compre en mi tienda." in queue and "Compre en la mía." not in queue
    ilo_queue = text_of(ilo_member.get("/moderacion"))
    assert "Compre en la mía." in ilo_queue and "Compre en mi tienda." not in ilo_queue
    assert member.get("/moderacion").status_code == 403

    # Each committee moderates its own municipality's goals.
    assert ilo_member.post(f"/comentarios/{pacocha_comment}/moderar", data={
        "action": "hide", "reason": "spam"}).status_code == 403
    assert member.post(f"/comentarios/{ilo_comment}/moderar", data={
        "action": "hide", "reason": "spam"}).status_code == 403
    hidden = member.post(f"/comentarios/{pacocha_comment}/moderar", data={
        "action": "hide", "reason": "spam"})
    assert hidden.status_code == 302
    assert hidden.headers["Location"] == "/m/pacocha/moderacion"
    assert count(app, ModerationAction) == 1
    assert "Comentario ocultado por COPALE" in text_of(
        app.test_client().get("/m/pacocha/metas/S1.1"))
    assert "S1.1 Ocultado COPALE" in text_of(app.test_client().get(
        "/m/pacocha/moderacion/registro"))
    assert "Ocultado" not in text_of(app.test_client().get("/moderacion/registro"))

    # And observes them.
    assert member.post("/m/pacocha/metas/S1.1/observaciones", data={
        "committee": "COPALE", "kind": "alerta",
        "body": "Falta el cronograma de campañas."}).status_code == 302
    assert member.post("/metas/S4.1/observaciones", data={
        "committee": "COPALE", "kind": "alerta", "body": "No es nuestra meta."}).status_code == 403
    assert count(app, AuditEntry, action="committee_created") == 1


def test_a_committee_is_followed_and_linked_in_its_own_municipality(app, make_user,
                                                                     pacocha_admin,
                                                                     pacocha_copale):
    from models import Follow

    resident = browser(app, make_user(), "resident")
    assert resident.post("/m/pacocha/seguir/committee/COPALE").headers[
        "Location"] == "/m/pacocha/comites/COPALE"
    assert resident.post("/seguir/committee/COPALE").headers["Location"] == "/comites/COPALE"
    assert count(app, Follow, kind="committee") == 2  # two committees, one code
    follows = resident.get("/cuenta/seguimientos").get_data(as_text=True)
    assert 'href="/m/pacocha/comites/COPALE"' in follows and 'href="/comites/COPALE"' in follows

    member = make_user()
    pacocha_admin.post(f"/admin/cuentas/{member[0]}",
                       data={"role": "moderator", "committees": ["COPALE"]})
    account = browser(app, member, "resident").get("/cuenta").get_data(as_text=True)
    assert 'href="/m/pacocha/comites/COPALE"' in account
