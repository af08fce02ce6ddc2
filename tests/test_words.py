"""Numbers, dates and words as people read them: Peruvian figures, plurals, names, not codes."""
import io
import re
import struct

from tests.conftest import sign_in, text_of
from tests.test_hearings import hearing_id, schedule

HEADER = "code,status,progress_pct,delivered,narrative,sources,cause,pim,devengado,cui"


def publish(runner, tmp_path, row):
    path = tmp_path / "reportes.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    result = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert result.exit_code == 0, result.output


def test_figures_read_with_a_decimal_point_in_peru(app, client, runner, tmp_path):
    publish(runner, tmp_path, "S7.6,en_ejecucion,\"60,5\",2,Obra.,,,1250000.50,,")
    page = text_of(client.get("/metas/S7.6"))
    assert "60.5 %" in page and "S/ 1,250,000.50" in page
    assert "60,5 %" not in page
    client.set_cookie("idioma", "en")
    assert "60.5 %" in text_of(client.get("/metas/S7.6"))


def test_the_page_language_stays_the_catalogs(client):
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


def post_report(client, **fields):
    data = {"quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40",
            "narrative": "Obra.", **fields}
    return text_of(client.post("/metas/S7.6/reportes/nuevo", data=data))


def test_report_errors_name_things_as_people_read_them(client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    page = post_report(client, status="")
    assert "Elija un estado." in page and "no_iniciada" not in page
    assert "como 60.5 o 60,5." in post_report(client, progress_pct="sesenta")


def png():
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00\x00\x01\x00" * 3


def test_a_photo_named_csv_is_told_it_is_no_table(client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    form = client.get("/reportes/importar").get_data(as_text=True)
    assert ('accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet"') in form
    response = client.post("/reportes/importar", data={
        "quarter": "2021-T3", "file": (io.BytesIO(png()), "reportes.csv")},
        content_type="multipart/form-data")
    page = text_of(response)
    assert "el archivo no es ni un CSV ni un libro de Excel (.xlsx)" in page
    assert "UTF-16" not in page


def test_counts_take_their_singular(app, runner, tmp_path, make_user):
    path = tmp_path / "reportes.csv"
    path.write_text(f"{HEADER}\nS3.1,no_iniciada,0,,Aún no.,,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert "2021-T3: 1 reporte publicado, 0 corregidos, 0 sin cambios." in result.output
    path.write_text(f"{HEADER}\nS3.1,no_iniciada\n", encoding="utf-8")
    result = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert "El archivo no se importó: 1 error." in result.output
    assert "la fila tiene 2 campos" in result.output


def browser(app, user, role):
    client = app.test_client()
    sign_in(app, client, user[1], role)
    return client


def test_the_hearing_question_is_asked_in_ones_own_name(app, make_user):
    official = browser(app, make_user("official"), "official")
    assert schedule(official).status_code == 302
    resident = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    page = text_of(resident.get(f"/audiencias/{hearing_id(app)}"))
    assert "A mi nombre" in page and "Yo mismo" not in page


def test_a_followed_dimension_is_named_not_coded(app, make_user):
    client = browser(app, make_user(), "resident")
    client.post("/seguir/dimension/E")
    assert "Usted sigue la dimensión Económica:" in text_of(client.get("/dimensiones/E"))
    listing = text_of(client.get("/cuenta/seguimientos"))
    assert "Dimensión Económica" in listing and "Dejar de seguir" in listing
    assert 'aria-label="Dejar de seguir la dimensión Económica"' in client.get(
        "/cuenta/seguimientos").get_data(as_text=True)


def test_report_links_are_spaced(app, runner, tmp_path, make_user):
    publish(runner, tmp_path, "S7.6,en_ejecucion,40,2,Obra.,,,,,")
    official = browser(app, make_user("official"), "official")
    # Tags dropped without a space: what is glued in the page stays glued here.
    page = " ".join(re.sub(r"<[^>]+>", "", official.get("/metas/S7.6").get_data(as_text=True))
                    .split())
    assert "Corregir este reporte · Agregar una foto o un documento" in page


def test_an_observation_waits_since_today_without_alarm(app, make_user):
    copale = browser(app, make_user("moderator", ("COPALE",)), "moderator")
    assert copale.post("/metas/S4.1/observaciones", data={
        "committee": "COPALE", "kind": "alerta", "body": "Faltan docentes.",
        "evidence_url": ""}).status_code == 302
    response = copale.get("/metas/S4.1")
    assert "Esperando la respuesta de la municipalidad desde hoy." in text_of(response)
    assert "0 días" not in text_of(response)
    assert "is-overdue" not in response.get_data(as_text=True)
    assert "esperando desde hoy" in text_of(copale.get("/comites/COPALE"))


def test_the_goal_feed_is_named_as_a_feed(client):
    page = text_of(client.get("/metas/S7.6"))
    assert "Canal Atom de esta meta" in page and "Seguir esta meta (canal Atom)" not in page


def test_ratings_are_stars_that_stay_radio_buttons(app, make_user):
    resident = browser(app, make_user(), "resident")
    html = resident.get("/metas/S7.6").get_data(as_text=True)
    rating = html[html.index('class="rating-form"'):]
    rating = rating[:rating.index("</form>")]
    assert "<fieldset" in rating and "<legend>¿Qué tan bien se está cumpliendo esta meta?" in rating
    assert rating.count('type="radio"') == 5 and rating.count('class="star-glyph"') == 5
    assert '<span class="visually-hidden">1 de 5 estrellas</span>' in rating
    assert rating.index("1 de 5 estrellas") < rating.index("5 de 5 estrellas")
    comment = html[html.index('class="form comment-form"'):]
    comment = comment[:comment.index("</form>")]
    assert comment.count('type="radio"') == 6 and "Sin calificación" in comment
    assert 'id="rating-stars-0"' in rating and 'id="stars-0"' in comment
    assert resident.post("/metas/S7.6/calificacion", data={"stars": "4"}).status_code == 302
    assert resident.post("/metas/S7.6/comentarios", data={"body": "Bien.", "stars": ""}) \
        .status_code == 302


def test_every_file_input_says_what_it_takes(app, runner, tmp_path, make_user):
    publish(runner, tmp_path, "S7.6,en_ejecucion,40,2,Obra.,,,,,")
    official = browser(app, make_user("official"), "official")
    resident = browser(app, make_user(), "resident")
    for who, page in ((official, "/reportes/importar"),
                      (official, "/metas/S7.6/reportes/2021-T3/evidencia"),
                      (resident, "/metas/S7.6/verificacion")):
        html = who.get(page).get_data(as_text=True)
        tags = re.findall(r'<input[^>]*type="file"[^>]*>', html)
        assert tags and all("accept=" in tag for tag in tags), (page, tags)
