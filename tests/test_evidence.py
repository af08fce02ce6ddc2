"""Evidence on reports and observations: real images made here, checked by their content,
published without their metadata, kept with their checksum, withdrawn but never lost."""
import hashlib
import io
from datetime import date

import pytest
from lxml import html as lxml_html
from PIL import Image
from sqlalchemy import func, select

from models import Evidence, Observation, db
from tests.conftest import text_of
from tests.test_thread import browser

LIMA_GPS = {1: "S", 2: (17.0, 38.0, 24.0), 3: "W", 4: (71.0, 20.0, 15.0)}


def photo(image_format="JPEG", size=(2000, 1500), gps=True):
    """A photo as a phone makes it: its camera, its date and, here, where it was taken."""
    image = Image.new("RGB", size, (180, 40, 30))
    exif = Image.Exif()
    exif[0x010F] = "CamaraDePrueba"  # Make
    exif[0x0132] = "2021:08:01 10:00:00"  # DateTime
    if gps:
        exif.get_ifd(0x8825).update(LIMA_GPS)
    out = io.BytesIO()
    image.save(out, format=image_format, exif=exif)
    return out.getvalue()


def gif():
    out = io.BytesIO()
    Image.new("P", (40, 30)).save(out, format="GIF")
    return out.getvalue()


@pytest.fixture
def files_root(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_ROOT", str(tmp_path / "files"))
    return tmp_path / "files"


@pytest.fixture
def official(app, make_user):
    client = browser(app, make_user("official"), "official")
    assert client.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
        "narrative": "Dos puestos ampliados."}).status_code == 302
    return client


def attach(client, data, name="foto.jpg", caption="Puesto de salud de Pacocha",
           taken_on="2021-08-01", keep_place=False, path="/metas/S7.6/reportes/2021-T3/evidencia"):
    form = {"file": (io.BytesIO(data), name), "caption": caption, "taken_on": taken_on}
    if keep_place:
        form["keep_place"] = "y"
    return client.post(path, data=form, content_type="multipart/form-data")


def error_under(response, field):
    """The error shown under a form's field (``_macros/forms.html``), or None."""
    found = lxml_html.fromstring(response.get_data(as_text=True)).get_element_by_id(
        f"{field}-error", None)
    return None if found is None else " ".join(found.text_content().split())


def stored(app):
    with app.app_context():
        return db.session.scalars(select(Evidence).order_by(Evidence.id)).all()


def test_a_photo_is_published_without_its_metadata_resized_with_its_checksum(
        app, official, files_root):
    assert attach(official, photo()).status_code == 302
    [evidence] = stored(app)
    visitor = app.test_client()
    served = visitor.get(f"/evidencia/{evidence.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.get_data()))
    assert max(image.size) == 1280 and dict(image.getexif()) == {}
    assert b"CamaraDePrueba" not in served.get_data()
    assert hashlib.sha256(served.get_data()).hexdigest() == evidence.sha256
    assert evidence.latitude is None and evidence.longitude is None
    thumbnail = Image.open(io.BytesIO(visitor.get(f"/evidencia/{evidence.id}/miniatura")
                                      .get_data()))
    assert max(thumbnail.size) == 320
    page = visitor.get("/metas/S7.6").get_data(as_text=True)
    assert f'src="/evidencia/{evidence.id}/miniatura"' in page and 'loading="lazy"' in page
    assert evidence.sha256 in page and "Puesto de salud de Pacocha" in page
    assert len(page.encode()) < 60 * 1024


def test_keeping_the_place_keeps_only_the_point(app, official, files_root):
    assert attach(official, photo("PNG"), name="foto.png", keep_place=True).status_code == 302
    [evidence] = stored(app)
    assert evidence.latitude == pytest.approx(-17.64) and evidence.longitude == \
        pytest.approx(-71.3375)
    served = app.test_client().get(f"/evidencia/{evidence.id}").get_data()
    assert dict(Image.open(io.BytesIO(served)).getexif()) == {}
    assert "dónde se tomó" in text_of(app.test_client().get("/metas/S7.6"))
    csv = app.test_client().get("/datos/evidencia.csv").get_data(as_text=True).splitlines()
    assert csv[0].startswith("plan,id,goal_code,quarter,revision,observation_id,kind,caption")
    assert f",{evidence.sha256}," in csv[1] and ",-17.64,-71.3375," in csv[1]


@pytest.mark.parametrize("data, name, message", [
    (photo("PNG", gps=False), "acta.pdf", "es una imagen PNG, pero su nombre dice otra cosa"),
    (b"#!/bin/sh\nrm -rf /\n", "foto.jpg", "no es una foto (JPEG, PNG, WebP) ni un documento"),
    (gif(), "foto.gif", "Las fotos pueden ser JPEG, PNG o WebP."),
])
def test_a_file_is_judged_by_its_content_and_refused_whole(app, official, files_root, data,
                                                          name, message):
    response = attach(official, data, name=name)
    assert response.status_code == 400 and message in text_of(response)
    assert stored(app) == [] and not any(files_root.rglob("*.*"))


def test_an_oversize_file_is_refused_with_the_limit(app, official, files_root, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 2**20)
    big = b"%PDF-1.4\n" + b"0" * (2**20 + 10)
    response = attach(official, big, name="informe.pdf")
    assert response.status_code == 400 and "el máximo es 1 MB" in text_of(response)
    assert stored(app) == []


def test_a_pdf_is_kept_as_sent_and_served_as_a_download(app, official, files_root):
    document = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    assert attach(official, document, name="informe.pdf", caption="Informe de obra").status_code \
        == 302
    [evidence] = stored(app)
    served = app.test_client().get(f"/evidencia/{evidence.id}")
    assert served.get_data() == document and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert evidence.sha256 == hashlib.sha256(document).hexdigest()


def test_the_form_states_the_limits_and_refuses_a_seventh_file(app, official, files_root,
                                                              monkeypatch):
    page = text_of(official.get("/metas/S7.6/reportes/2021-T3/evidencia"))
    assert "Hasta 6 archivos por elemento, cada uno de 8 MB como máximo" in page
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_FILES", 1)
    attach(official, photo(gps=False))
    refused = attach(official, photo(gps=False), caption="Otra")
    assert refused.status_code == 400
    assert len(stored(app)) == 1
    future = attach(official, photo(gps=False), taken_on="2099-01-01")
    assert future.status_code == 400


def test_a_correction_keeps_the_evidence_of_the_revision_it_corrects(app, official, files_root):
    attach(official, photo(gps=False), caption="Foto de la primera versión")
    assert official.post("/metas/S7.6/reportes/2021-T3/corregir", data={
        "status": "en_ejecucion", "progress_pct": "45", "narrative": "Tres puestos.",
        "reason": "Se contó mal."}).status_code == 302
    page = app.test_client().get("/metas/S7.6").get_data(as_text=True)
    earlier = page.split('class="earlier"')[1].split("</details>")[0]
    assert "Foto de la primera versión" in earlier


def test_an_admin_withdraws_a_file_with_a_reason_and_its_checksum_stays(app, official,
                                                                        files_root, make_user):
    attach(official, photo(gps=False), caption="Foto con un rostro")
    [evidence] = stored(app)
    resident = browser(app, make_user(), "resident")
    assert resident.post(f"/evidencia/{evidence.id}/retirar",
                         data={"reason": "x"}).status_code == 403
    admin = browser(app, make_user("admin"), "admin")
    empty = admin.post(f"/evidencia/{evidence.id}/retirar", data={"reason": " "})
    assert empty.status_code == 400 and "Indique por qué se retira el archivo." in text_of(empty)
    assert admin.post(f"/evidencia/{evidence.id}/retirar", data={
        "reason": "Muestra el rostro de un menor."}).status_code == 302
    assert app.test_client().get(f"/evidencia/{evidence.id}").status_code == 410
    page = text_of(app.test_client().get("/metas/S7.6"))
    assert "Archivo retirado el" in page and "Muestra el rostro de un menor." in page
    assert evidence.sha256 in page


def test_a_committee_documents_its_own_observation(app, make_user, files_root):
    member = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    member.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Faltan camillas."})
    with app.app_context():
        observation = db.session.scalar(select(Observation.id))
    path = f"/observaciones/{observation}/evidencia"
    other = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    assert attach(other, photo(gps=False), path=path).status_code == 403
    assert attach(member, photo(gps=False), caption="Sala sin camillas",
                  path=path).status_code == 302
    assert "Sala sin camillas" in text_of(app.test_client().get("/metas/S7.6"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1
    assert date.today()  # the date field took an ISO date


def test_each_refusal_is_shown_under_the_field_it_is_about(app, official, files_root):
    form = official.get("/metas/S7.6/reportes/2021-T3/evidencia").get_data(as_text=True)
    assert 'accept="image/*,application/pdf"' in form  # a phone offers its camera too
    future = attach(official, photo(gps=False), taken_on="2099-01-01")
    assert future.status_code == 400
    assert error_under(future, "taken_on") == "La fecha no puede estar en el futuro."
    assert error_under(future, "file") is None
    untitled = attach(official, photo(gps=False), caption=" ")
    assert error_under(untitled, "caption") == "Indique qué muestra el archivo."
    wrong = attach(official, gif(), name="foto.gif")
    assert error_under(wrong, "file") == "Las fotos pueden ser JPEG, PNG o WebP."
    assert stored(app) == []


def test_a_wrong_observation_link_is_shown_under_the_link(app, make_user):
    member = browser(app, make_user("moderator", committees=("CMS",)), "moderator")
    refused = member.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Faltan camillas.",
        "evidence_url": "javascript:alert(1)"})
    assert refused.status_code == 400
    assert error_under(refused, "evidence_url") == \
        "La evidencia debe ser un enlace que empiece por https://"
    assert error_under(refused, "body") is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observation)) == 0
