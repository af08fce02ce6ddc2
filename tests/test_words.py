"""Numbers, dates and words as people read them: Peruvian figures, plurals, names, not codes."""
import io
import struct

from tests.conftest import text_of

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
