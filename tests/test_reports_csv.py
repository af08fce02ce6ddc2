"""The quarterly CSV: all rows valid or nothing written, the same file twice adds nothing."""
import io

import pytest
from sqlalchemy import func, select

from models import ReportRevision, db
from portal.importers.reports_csv import CSV_HEADER, parse_reports_csv
from tests.conftest import text_of

HEADER = ",".join(CSV_HEADER)
GOOD = (
    f"{HEADER}\n"
    "S7.6,en_ejecucion,40,2,\"Dos puestos ampliados, faltan tres.\","
    "https://www.gob.pe/muniilo/informe-12 | Informe N° 012-2021,,1250000.50,500000,2345678\n"
    "S3.1,no_iniciada,0,,Aún no se inicia.,,,,,\n"
    "I3.2,paralizada,30,1,Obra detenida.,Oficio 45-2021,Falta de presupuesto,,,\n"
)



def revisions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReportRevision))


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "reportes.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_reader_keeps_line_numbers_and_splits_sources():
    rows, errors = parse_reports_csv(GOOD.encode())
    assert errors == []
    assert [line for line, _ in rows] == [2, 3, 4]
    assert rows[0][1]["sources"] == ["https://www.gob.pe/muniilo/informe-12 ",
                                     " Informe N° 012-2021"]


def test_a_quoted_narrative_over_several_lines_keeps_the_next_rows_line_numbers():
    text = (f"{HEADER}\nS3.1,no_iniciada,0,,\"Primera línea.\nSegunda línea.\",,,,,\n"
            "S3.2,no_iniciada,0,,Nada aún.,,,,,\n")
    rows, _ = parse_reports_csv(text.encode())
    assert [line for line, _ in rows] == [2, 4]
    assert rows[0][1]["narrative"] == "Primera línea.\nSegunda línea."


def test_cli_imports_a_good_file_and_the_same_file_again_adds_nothing(app, runner, tmp_path):
    path = write(tmp_path, GOOD)
    result = runner.invoke(args=["reports", "import", path, "--quarter", "2021-T3"])
    assert result.exit_code == 0, result.output
    assert "2021-T3: 3 reportes publicados, 0 corregidos, 0 sin cambios." in result.output
    assert revisions(app) == 3
    again = runner.invoke(args=["reports", "import", path, "--quarter", "2021-T3"])
    assert "0 reportes publicados, 0 corregidos, 3 sin cambios." in again.output
    assert revisions(app) == 3
    page = text_of(app.test_client().get("/metas/I3.2"))
    assert "Paralizada" in page and "Causa Falta de presupuesto" in page


def test_bad_rows_are_all_listed_and_nothing_is_written(app, runner, tmp_path):
    text = (f"{HEADER}\n"
            "S7.6,en_ejecucion,140,2,Texto,,,,,\n"
            "S3.1,no_iniciada,0,4,Texto,,,,,\n"
            "Z9.9,no_iniciada,0,,Texto,,,,,\n"
            "S7.6,en_ejecucion,40,2,Otra vez,,,,,\n"
            "I3.2,cumplida,100,2,Listo,,,,,\n"
            "S1.1,no_iniciada,0,,Texto,,\n"
            "S1.2,en_ejecucion,10,1,Bien,,,,,\n")
    result = runner.invoke(args=["reports", "import", write(tmp_path, text),
                                 "--quarter", "2021-T3"])
    assert result.exit_code == 1
    output = result.output
    assert "línea 2: Avance físico debe estar entre 0 y 100." in output
    assert "línea 3: La meta S3.1 no promete una cantidad en el plan" in output
    assert "línea 4: no hay ninguna meta con el código «Z9.9»." in output
    assert "línea 5: la meta S7.6 ya está en la línea 2; una fila por meta." in output
    assert "línea 6: Una meta cumplida necesita al menos una fuente" in output
    assert "línea 7: la fila tiene 7 campos; necesita 10" in output
    assert "El archivo no se importó: 6 errores." in output
    assert revisions(app) == 0


@pytest.mark.parametrize("content, message", [
    (b"", "el archivo está vacío"),
    ("code,status\nS1.1,no_iniciada\n".encode(), "la primera línea debe ser exactamente"),
    (f"{HEADER}\nS1.1,no_iniciada,0,,Educación,,,,,\n".encode("utf-16"),
     "línea 1: el archivo es texto UTF-16"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "fila 1: el archivo es un libro de Excel antiguo (.xls)"),
    (b"PK\x03\x04 no es un libro", "fila 1: el libro no se puede abrir"),
    (f"{HEADER}\n".encode(), "el archivo no tiene filas."),
])
def test_unreadable_files_are_refused(app, runner, tmp_path, content, message):
    path = tmp_path / "malo.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert result.exit_code == 1
    assert message in result.output
    assert revisions(app) == 0


def test_a_quarter_outside_the_plan_is_refused(app, runner, tmp_path):
    result = runner.invoke(args=["reports", "import", write(tmp_path, GOOD), "--quarter",
                                 "2018-T4"])
    assert result.exit_code == 1
    assert "de 2019-T1 a 2022-T4" in result.output
    assert revisions(app) == 0


def test_a_row_that_changes_a_report_is_a_correction_needing_a_reason(app, runner, tmp_path):
    runner.invoke(args=["reports", "import", write(tmp_path, GOOD), "--quarter", "2021-T3"])
    changed = write(tmp_path, GOOD.replace("S3.1,no_iniciada,0,", "S3.1,en_ejecucion,15,"))
    refused = runner.invoke(args=["reports", "import", changed, "--quarter", "2021-T3"])
    assert refused.exit_code == 1
    assert "línea 3: cambia el reporte publicado de S3.1 para 2021-T3" in refused.output
    assert revisions(app) == 3
    done = runner.invoke(args=["reports", "import", changed, "--quarter", "2021-T3",
                               "--reason", "Se corrigió el avance de S3.1"])
    assert done.exit_code == 0, done.output
    assert "0 reportes publicados, 1 corregido, 2 sin cambios." in done.output
    page = text_of(app.test_client().get("/metas/S3.1"))
    assert "Motivo: Se corrigió el avance de S3.1" in page
    assert "No iniciada" in page  # the earlier version stays readable


def test_the_template_lists_every_goal(client):
    response = client.get("/reportes/plantilla.csv")
    assert response.mimetype == "text/csv"
    # The byte-order mark tells a spreadsheet the file is UTF-8, so accents survive.
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 72
    assert lines[1] == "S1.1,,,,,,,,,"
    assert lines[-1] == "I4.2,,,,,,,,,"


def test_an_official_uploads_the_file_through_the_page(app, client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    response = client.post("/reportes/importar", data={
        "quarter": "2021-T3", "reason": "",
        "file": (io.BytesIO(GOOD.encode()), "reportes.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "2021-T3: 3 reportes publicados, 0 corregidos, 0 sin cambios." in text_of(response)
    assert revisions(app) == 3


def test_a_bad_upload_lists_errors_in_the_readers_language(app, client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    client.set_cookie("idioma", "en")
    bad = GOOD.replace("S3.1,no_iniciada,0,,", "S3.1,no_iniciada,0,3,")
    response = client.post("/reportes/importar", data={
        "quarter": "2021-T3", "file": (io.BytesIO(bad.encode()), "reportes.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    page = text_of(response)
    assert "The file was not imported; nothing was written." in page
    assert "line 3: Goal S3.1 promises no quantity in the plan" in page
    assert revisions(app) == 0


def test_the_template_filled_in_keeps_its_accents(app, client, runner, tmp_path):
    """The template, filled in as a spreadsheet saves it (mark kept), imports as written."""
    template = client.get("/reportes/plantilla.csv").get_data().decode("utf-8")
    filled = template.replace("S3.1,,,,,,,,,", "S3.1,en_ejecucion,\"12,5\",,Diseño y pañales "
                              "en revisión técnica.,,,,,")
    path = tmp_path / "llenado.csv"
    path.write_bytes(filled.encode("utf-8"))  # the goals left as they came are skipped
    done = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert done.exit_code == 0, done.output
    page = text_of(app.test_client().get("/metas/S3.1"))
    assert "Diseño y pañales en revisión técnica." in page
    assert "12.5 %" in page


def test_a_csv_saved_by_a_spanish_locale_spreadsheet_is_read_as_written(app, runner, tmp_path):
    """Semicolons, decimal commas, Windows-1252 without a mark, Windows line ends."""
    text = (";".join(CSV_HEADER) + "\r\n"
            "S3.1;en_ejecucion;12,5;;Diseño y señalización en revisión técnica.;;;"
            "1250000,50;;\r\n"
            "I3.2;paralizada;30;1;Obra detenida;Oficio N° 45-2021;Falta de presupuesto;;;\r\n")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    done = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert done.exit_code == 0, done.output
    page = text_of(app.test_client().get("/metas/S3.1"))
    assert "Diseño y señalización en revisión técnica." in page and "12.5 %" in page
    assert "S/ 1,250,000.50" in page
    assert "Oficio N° 45-2021" in text_of(app.test_client().get("/metas/I3.2"))


def test_thousands_separators_are_refused_with_what_to_change(app, runner, tmp_path):
    text = (";".join(CSV_HEADER) + "\r\n"
            "S3.1;en_ejecucion;12,5;;Diseño.;;;1.250.000,50;;\r\n")
    path = tmp_path / "miles.csv"
    path.write_bytes(text.encode("cp1252"))
    refused = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert refused.exit_code == 1
    assert "línea 2: " in refused.output and "miles" in refused.output
    assert revisions(app) == 0
