"""Residents check the delivery a report claims: one answer each, the tally beside the claim,
and the disputed claims on the promise-gap page, in the API, the open data and the feed."""
import io

import pytest
from sqlalchemy import func, select

from models import DeliveryCheck, Evidence, db
from tests.conftest import text_of
from tests.test_api import checked, openapi  # noqa: F401 (openapi is a fixture)
from tests.test_evidence import error_under, files_root, gif, photo  # noqa: F401 (fixture)
from tests.test_thread import browser


@pytest.fixture
def claimed(app, make_user):
    """S7.6's latest report claims 2 of 5 health posts delivered."""
    official = browser(app, make_user("official"), "official")
    assert official.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
        "delivered": "2", "narrative": "Dos puestos ampliados."}).status_code == 302
    return official


def check(client, answer, comment="", place="", picture=None, name="foto.jpg"):
    data = {"answer": answer, "comment": comment, "place": place}
    if picture is not None:
        data["photo"] = (io.BytesIO(picture), name)
    return client.post("/metas/S7.6/verificacion", data=data,
                       content_type="multipart/form-data")


def test_nothing_to_check_without_a_claimed_delivery(app, make_user):
    resident = browser(app, make_user(), "resident")
    assert resident.get("/metas/S7.6/verificacion").status_code == 404
    assert "¿Lo vio?" not in text_of(app.test_client().get("/metas/S7.6"))


def test_a_resident_says_what_they_saw_and_may_change_it(app, make_user, claimed, files_root):
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert "Ningún vecino ha verificado aún esta entrega." in page and "¿Lo vio?" in page
    resident = browser(app, make_user(), "resident")
    form = text_of(resident.get("/metas/S7.6/verificacion"))
    assert "La municipalidad reporta, para 2021-T3:" in form and "2 de 5 entregados" in form
    assert check(resident, "no", "Solo hay un puesto ampliado.", "Pampa Inalámbrica",
                 photo()).status_code == 302
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert "1 vecino verificó: 0 sí, 0 en parte, 1 no, 0 no sabe." in page
    again = resident.get("/metas/S7.6/verificacion").get_data(as_text=True)
    assert 'value="no" checked' in again or 'checked value="no"' in again or \
        'checked id="answer-2"' in again or "Ya respondió" in again
    check(resident, "partly", picture=photo())
    with app.app_context():
        [answer] = db.session.scalars(select(DeliveryCheck)).all()
        assert answer.answer == "partly" and answer.place is None
        files = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
    assert [file.withdrawn_reason for file in files] == ["Reemplazada por su autor.", None]
    served = app.test_client().get(f"/evidencia/{files[1].id}").get_data()
    assert b"CamaraDePrueba" not in served
    assert "1 vecino verificó: 0 sí, 1 en parte, 0 no" in text_of(
        app.test_client().get("/metas/S7.6"))


def test_bad_answers_are_refused_and_change_nothing(app, make_user, claimed):
    resident = browser(app, make_user(), "resident")
    refused = check(resident, "tal vez")
    assert refused.status_code == 400 and "Elija sí, en parte, no o no sé." in text_of(refused)
    assert check(claimed, "yes").status_code == 403  # the municipality does not check itself
    assert check(app.test_client(), "yes").status_code == 302  # sign in first
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeliveryCheck)) == 0


def test_a_disputed_claim_is_listed_and_published(app, make_user, claimed, openapi):
    for answer in ("no", "no", "yes"):
        check(browser(app, make_user(), "resident"), answer)
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert "3 vecinos verificaron: 1 sí, 0 en parte, 2 no, 0 no saben." in page
    assert "Los vecinos cuestionan esta entrega." in page
    gap = text_of(app.test_client().get("/brecha"))
    assert "Entregas que los vecinos cuestionan" in gap
    assert "Meta S7.6 : la municipalidad reporta, para 2021-T3, En ejecución (2 de 5 entregados)" \
        in gap
    document = checked(app.test_client(), openapi, "/api/v1/goals/S7.6").get_json()
    assert document["checks"] == {"quarter": "2021-T3", "revision": 1, "yes": 1, "partly": 0,
                                  "no": 2, "unknown": 0, "disputed": True}
    csv = app.test_client().get("/datos/verificaciones.csv").get_data(as_text=True)
    assert csv.splitlines()[1] == "2019-2022,S7.6,2021-T3,1,2,en_ejecucion,1,0,2,0,true"
    feed = app.test_client().get("/feed.atom").get_data(as_text=True)
    assert "Vecinos que lo verificaron: 1 sí, 0 en parte, 2 no, 0 no saben." in feed


PDF = b"%PDF-1.4\n1 0 obj << /Author (Rosa Quispe) >> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("picture, name, message", [
    (PDF, "foto.pdf", "Aquí solo se recibe una foto (JPEG, PNG, WebP), no un documento."),
    (PDF, "foto.jpg", "Aquí solo se recibe una foto (JPEG, PNG, WebP), no un documento."),
    (b"no es una imagen", "foto.jpg", "El archivo no es una foto (JPEG, PNG, WebP)."),
    (gif(), "foto.gif", "Las fotos pueden ser JPEG, PNG o WebP."),
])
def test_only_a_photo_is_taken_with_an_answer_and_shown_under_it(app, make_user, claimed,
                                                                files_root, picture, name,
                                                                message):
    resident = browser(app, make_user(), "resident")
    form = resident.get("/metas/S7.6/verificacion").get_data(as_text=True)
    assert 'accept="image/*"' in form  # a phone offers its camera
    refused = check(resident, "yes", "Lo vi.", picture=picture, name=name)
    assert refused.status_code == 400
    assert error_under(refused, "photo") == message
    assert "Lo vi." in refused.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeliveryCheck)) == 0
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not any(files_root.rglob("*.*"))


# What residents wrote, where they looked and their photos: shown, reported, moderated

def only_check_id(app):
    with app.app_context():
        return db.session.scalar(select(DeliveryCheck.id))


@pytest.fixture
def seen(app, make_user, claimed, files_root):
    """Rosa checked S7.6's claim: a comment with markup in it, a place and a photo."""
    rosa = browser(app, make_user(name="Rosa Quispe", email="rosa@example.org"), "resident")
    assert check(rosa, "no", "Solo uno <b>ampliado</b>.", "Pampa Inalámbrica",
                 photo()).status_code == 302
    return rosa


def test_the_goal_page_shows_what_residents_saw_beside_the_tally(app, make_user, seen):
    check(browser(app, make_user(), "resident"), "yes")  # nothing to read: counted only
    response = app.test_client().get("/metas/S7.6")
    html, page = response.get_data(as_text=True), text_of(response)
    assert "2 vecinos verificaron: 1 sí, 0 en parte, 1 no, 0 no saben." in page
    assert "Lo que vieron los vecinos" in page
    assert "Rosa Quispe No" in page and "Dónde: Pampa Inalámbrica" in page
    assert "Solo uno &lt;b&gt;ampliado&lt;/b&gt;." in html and "<b>ampliado" not in html
    assert "reporte de 2021-T3" in page
    with app.app_context():
        photo_id = db.session.scalar(select(Evidence.id).where(Evidence.check_id.is_not(None)))
    assert f'<a href="/evidencia/{photo_id}"><img src="/evidencia/{photo_id}/miniatura"' in html
    assert html.count('class="resident-check"') == 1
    assert "rosa@example.org" not in html


def test_a_goal_page_shows_the_newest_checks_and_leads_to_the_rest(app, make_user, claimed):
    from portal.services.checks import CHECKS_SHOWN

    for number in range(CHECKS_SHOWN + 2):
        check(browser(app, make_user(), "resident"), "yes", f"Lo vi, vecino {number}.")
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert f"Lo vi, vecino {CHECKS_SHOWN + 1}." in page and "Lo vi, vecino 0." not in page
    assert "Ver todo lo que vieron los vecinos" in page
    every = text_of(app.test_client().get("/metas/S7.6/verificaciones"))
    assert all(f"Lo vi, vecino {n}." in every for n in range(CHECKS_SHOWN + 2))


def test_a_resident_reports_a_check_and_it_lands_in_the_committees_queue(app, make_user,
                                                                          seen):
    check_id = only_check_id(app)
    resident = browser(app, make_user(), "resident")
    assert f"/verificaciones/{check_id}/reportar" in resident.get("/metas/S7.6").get_data(
        as_text=True)
    assert resident.post(f"/verificaciones/{check_id}/reportar",
                         data={"reason": "personal_data"}).status_code == 302
    again = resident.post(f"/verificaciones/{check_id}/reportar", data={"reason": "spam"})
    assert again.status_code == 400 and "Ya reportó esta verificación." in text_of(again)
    own = seen.post(f"/verificaciones/{check_id}/reportar", data={"reason": "spam"})
    assert "No puede reportar su propia verificación." in text_of(own)
    health = browser(app, make_user("moderator", ("CMS",)), "moderator")
    queue = text_of(health.get("/moderacion"))
    assert "Verificaciones reportadas" in queue and "Meta S7.6 — Rosa Quispe" in queue
    education = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    assert "Meta S7.6 — Rosa Quispe" not in text_of(education.get("/moderacion"))


def test_a_moderator_of_another_committee_is_refused(app, make_user, seen):
    check_id = only_check_id(app)
    education = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    assert education.get(f"/verificaciones/{check_id}/moderar").status_code == 403
    assert education.post(f"/verificaciones/{check_id}/moderar", data={
        "action": "hide", "reason": "spam"}).status_code == 403
    assert "Solo uno" in text_of(app.test_client().get("/metas/S7.6"))


def link_s76_to(app, slug):
    from portal.services.places import place_by_slug
    from portal.services.plan import goal_by_code

    with app.test_request_context():
        place = place_by_slug(slug)
        place.goals.append(goal_by_code("S7.6", full=False))
        db.session.commit()


def test_a_check_hidden_by_the_committee_vanishes_everywhere_but_the_tally(app, make_user,
                                                                         seen, openapi):
    link_s76_to(app, "pacocha")
    check_id = only_check_id(app)
    visitor, reader = app.test_client(), browser(app, make_user(), "resident")
    for client in (visitor, reader, visitor, reader):  # the second time, from the cache
        assert "Solo uno" in text_of(client.get("/metas/S7.6"))
    assert "Solo uno" in text_of(visitor.get("/lugares/pacocha"))
    assert "Solo uno" in visitor.get("/datos/verificaciones-vecinos.csv").get_data(as_text=True)
    document = checked(visitor, openapi, "/api/v1/goals/S7.6/checks").get_json()
    assert [c["comment"] for c in document["checks"]] == ["Solo uno <b>ampliado</b>."]

    health = browser(app, make_user("moderator", ("CMS",)), "moderator")
    refused = health.post(f"/verificaciones/{check_id}/moderar", data={"action": "hide"})
    assert refused.status_code == 400
    assert health.post(f"/verificaciones/{check_id}/moderar", data={
        "action": "hide", "reason": "personal_data", "note": "Nombra a un vecino."}
    ).status_code == 302
    for client in (visitor, reader, health):
        page = text_of(client.get("/metas/S7.6"))
        assert "Solo uno" not in page and "Pampa Inalámbrica" not in page
        assert "1 vecino verificó: 0 sí, 0 en parte, 1 no, 0 no sabe." in page
    assert "Solo uno" not in text_of(visitor.get("/lugares/pacocha"))
    assert "Solo uno" not in text_of(visitor.get("/metas/S7.6/verificaciones"))
    for name in ("verificaciones-vecinos.csv", "verificaciones-vecinos.json"):
        assert "Solo uno" not in visitor.get(f"/datos/{name}").get_data(as_text=True)
    assert checked(visitor, openapi, "/api/v1/goals/S7.6/checks").get_json()["checks"] == []
    assert visitor.get("/api/v1/goals/S7.6").get_json()["checks"]["no"] == 1
    log = text_of(visitor.get("/moderacion/registro"))
    assert "S7.6 · la verificación de un vecino Ocultado CMS" in log
    assert "Nombra a un vecino." not in log

    assert health.post(f"/verificaciones/{check_id}/moderar", data={
        "action": "restore"}).status_code == 302
    assert "Solo uno" in text_of(visitor.get("/metas/S7.6"))
    assert "S7.6 · la verificación de un vecino Restaurado CMS" in text_of(
        visitor.get("/moderacion/registro"))


def test_the_goal_pages_part_of_checks_is_drawn_again_once_one_is_hidden(app, make_user, seen):
    from portal.views.goal_page import SharedParts

    def checks_part_key():
        with app.test_request_context("/metas/S7.6"):
            shared = SharedParts("S7.6")
            return shared.fragments.keys[shared.names["checks:visitor"]]

    reader = browser(app, make_user(), "resident")
    reader.get("/metas/S7.6")
    before = checks_part_key()
    assert "Solo uno" in text_of(reader.get("/metas/S7.6"))  # its parts from the cache
    health = browser(app, make_user("moderator", ("CMS",)), "moderator")
    health.post(f"/verificaciones/{only_check_id(app)}/moderar",
                data={"action": "hide", "reason": "spam"})
    assert checks_part_key() != before
    assert "Solo uno" not in text_of(reader.get("/metas/S7.6"))


def test_the_place_page_shows_the_checks_of_its_goals(app, make_user, seen):
    link_s76_to(app, "el-algarrobal")
    page = text_of(app.test_client().get("/lugares/el-algarrobal"))
    assert "Lo que vieron los vecinos de lo reportado" in page
    assert "Rosa Quispe No" in page and "Meta S7.6" in page and "Solo uno" in page
    assert "Solo uno" not in text_of(app.test_client().get("/lugares/pacocha"))


def test_the_open_data_lists_each_visible_check_without_personal_data(app, make_user, seen):
    from tests.test_own_data import erase

    listing = text_of(app.test_client().get("/datos"))
    assert "Lo que dijo cada vecino que verificó una entrega" in listing
    assert "verificaciones-vecinos.csv" in listing
    csv = app.test_client().get("/datos/verificaciones-vecinos.csv").get_data(as_text=True)
    header, row = csv.splitlines()
    assert header == ("plan,id,goal_code,quarter,revision,answer,comment,place,author,photos,"
                      "checked_at")
    assert row.startswith("2019-2022,") and ",S7.6,2021-T3,1,no,Solo uno <b>ampliado</b>.," \
        "Pampa Inalámbrica,Rosa Quispe,http://localhost/evidencia/" in row
    assert "@" not in csv
    [entry] = app.test_client().get("/datos/verificaciones-vecinos.json").get_json()
    assert entry["author"] == "Rosa Quispe" and len(entry["photos"]) == 1
    assert erase(seen, "keep").status_code == 302
    [entry] = app.test_client().get("/datos/verificaciones-vecinos.json").get_json()
    assert entry["author"] == "Cuenta eliminada" and entry["comment"] is not None
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert "Cuenta eliminada No" in page and "Rosa Quispe" not in page


def test_what_residents_saw_is_read_in_one_statement_however_many(app, make_user, claimed,
                                                                  files_root):
    from tests.test_thread import goal_page_queries, selects

    def reading_checks(url):
        return [statement for statement in selects(goal_page_queries(app, reader, url))
                if "FROM delivery_check" in statement and "count(" not in statement]  # not the tally

    reader = app.test_client()
    app.config["PAGE_CACHE"] = False
    try:
        check(browser(app, make_user(), "resident"), "no", "El primero.", picture=photo())
        one = reading_checks("/metas/S7.6")
        for number in range(6):
            check(browser(app, make_user(), "resident"), "yes", f"Otro {number}.",
                  f"Sector {number}", photo())
        many = reading_checks("/metas/S7.6")
    finally:
        app.config["PAGE_CACHE"] = True
    assert len(one) == len(many) == 1, "\n".join(many)


def test_an_admin_withdraws_a_checks_photo_and_it_leaves_the_goal_page(app, make_user, seen):
    with app.app_context():
        photo_id = db.session.scalar(select(Evidence.id).where(Evidence.check_id.is_not(None)))
    visitor = app.test_client()
    assert f"/evidencia/{photo_id}/miniatura" in visitor.get("/metas/S7.6").get_data(as_text=True)
    admin = browser(app, make_user("admin"), "admin")
    assert admin.get(f"/evidencia/{photo_id}/retirar").status_code == 200
    done = admin.post(f"/evidencia/{photo_id}/retirar", data={"reason": "Muestra un rostro."})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/metas/S7.6#verificacion-{only_check_id(app)}")
    html = visitor.get("/metas/S7.6").get_data(as_text=True)
    assert f"/evidencia/{photo_id}/miniatura" not in html and "Solo uno" in html


def test_the_resident_is_told_of_the_committees_decisions_and_the_committee_of_reports(
        app, make_user, seen):
    from models import User
    from tests.test_notifications import told

    check_id = only_check_id(app)
    with app.app_context():
        rosa = (db.session.scalar(select(User.id).where(User.email == "rosa@example.org")),)
    member = make_user("moderator", ("CMS",))
    education = make_user("moderator", ("COPALE",))
    resident = browser(app, make_user(), "resident")
    assert resident.post(f"/verificaciones/{check_id}/reportar",
                         data={"reason": "spam"}).status_code == 302
    assert told(app, member) == ["check_reported"] and told(app, education) == []
    health = browser(app, member, "moderator")
    inbox = text_of(health.get("/notificaciones"))
    assert "Meta S7.6, que vigila su comité: se reportó la verificación de un vecino." in inbox

    assert health.post(f"/verificaciones/{check_id}/moderar", data={
        "action": "hide", "reason": "personal_data", "note": "Nombra a un vecino."}
    ).status_code == 302
    assert health.post(f"/verificaciones/{check_id}/moderar", data={
        "action": "restore"}).status_code == 302
    assert told(app, rosa) == ["check_hidden", "check_restored"]
    inbox = text_of(seen.get("/notificaciones"))
    assert "Meta S7.6: lo que usted dijo que vio fue ocultado. Motivo:" in inbox
    assert "Nota: Nombra a un vecino." in inbox
    assert "Meta S7.6: lo que usted dijo que vio se muestra de nuevo." in inbox
