"""The office's workbook: the .xlsx template, filled in and imported like the CSV."""
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import REPORT_STATUSES, ReportRevision, db
from portal.importers.reports_csv import CSV_HEADER
from tests.conftest import text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def revisions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReportRevision))


def template(client):
    response = client.get("/reportes/plantilla.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "reportes-plantilla.xlsx" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data()))


def saved(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data, quarter="2021-T3", reason=""):
    return client.post("/reportes/importar", data={
        "quarter": quarter, "reason": reason, "file": (io.BytesIO(data), "reportes.xlsx")},
        content_type="multipart/form-data")


def test_the_template_has_every_goal_a_status_list_and_typed_figures(client):
    workbook = template(client)
    sheet = workbook["reportes"]
    assert tuple(cell.value for cell in sheet[1]) == CSV_HEADER
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert len(codes) == 71 and codes[0] == "S1.1" and codes[-1] == "I4.2"
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [v.formula1 for v in lists] == ['"' + ",".join(REPORT_STATUSES) + '"']
    assert str(lists[0].sqref) == "B2:B72"
    ranges = {v.type: str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert ranges["whole"] == "D2:D72"
    assert sheet["C2"].number_format == "0.00" and sheet["J2"].number_format == "@"
    words = workbook["metas"]
    assert words["A1"].value == "Meta" and words["A72"].value == "I4.2"
    assert words["B2"].value == "01 Programa de fortalecimiento del COPALE, implementado"


def test_an_office_fills_in_the_template_and_publishes_the_quarter(app, client, auth,
                                                                 make_user):
    auth.sign_in_as(make_user("official"), "official")
    workbook = template(client)
    sheet = workbook["reportes"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for cell, value in zip(rows["S7.6"][1:], ("en_ejecucion", 40.5, 2, "Dos puestos ampliados.",
                                             "Informe 12 | Oficio 3", None, 1250000.5, 500000,
                                             "2345678")):
        cell.value = value
    for cell, value in zip(rows["I3.2"][1:], ("paralizada", 30, 1, "Obra detenida.",
                                             "Oficio 45", "Falta de presupuesto")):
        cell.value = value
    response = upload(client, saved(workbook))
    assert response.status_code == 200, text_of(response)
    assert "2021-T3: 2 reportes publicados, 0 corregidos, 0 sin cambios." in text_of(response)
    page = text_of(client.get("/metas/S7.6"))
    assert "Dos puestos ampliados." in page and "40.5 %" in page and "2345678" in page
    assert "Falta de presupuesto" in text_of(client.get("/metas/I3.2"))
    again = upload(client, saved(workbook))
    assert "0 reportes publicados, 0 corregidos, 2 sin cambios." in text_of(again)
    assert revisions(app) == 2


def workbook_with(*rows):
    workbook = Workbook()
    workbook.active.append(CSV_HEADER)
    for row in rows:
        workbook.active.append(row)
    return saved(workbook)


def test_a_bad_row_is_named_by_its_row_and_nothing_is_written(app, client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    data = workbook_with(
        ("S7.6", "en_ejecucion", 40, 2, "Bien."),
        (),  # an empty row is skipped, and the numbering follows the sheet
        ("S3.1", "en_ejecucion", 140, None, "Demasiado."),
        ("S1.1", "no_iniciada", 0, None, "Nada.", None, None, None, None, None, "sobra"))
    response = upload(client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert "fila 4: Avance físico debe estar entre 0 y 100." in page
    assert "fila 5: la fila tiene valores más allá de la columna J" in page
    assert revisions(app) == 0


def test_a_workbook_without_the_header_or_broken_is_refused(app, client, auth, make_user):
    auth.sign_in_as(make_user("official"), "official")
    workbook = Workbook()
    workbook.active.append(("meta", "estado"))
    page = text_of(upload(client, saved(workbook)))
    assert "fila 1: la primera fila debe tener exactamente estas columnas" in page
    truncated = workbook_with(("S7.6", "en_ejecucion", 40, 2, "Bien."))[:300]
    assert "fila 1: el libro no se puede abrir" in text_of(upload(client, truncated))
    assert revisions(app) == 0


def test_the_cli_imports_a_workbook_too(app, runner, tmp_path):
    path = tmp_path / "trimestre.xlsx"
    path.write_bytes(workbook_with(("S3.1", "no_iniciada", 0, None, "Aún no se inicia.")))
    done = runner.invoke(args=["reports", "import", str(path), "--quarter", "2021-T3"])
    assert done.exit_code == 0, done.output
    assert revisions(app) == 1
