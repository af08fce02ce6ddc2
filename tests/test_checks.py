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
