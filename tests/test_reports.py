"""Official progress reports: validation, publishing, corrections kept as revisions."""
from decimal import Decimal

import pytest

from models import Goal
from portal.services.reports import ReportInput, clean_report
from tests.conftest import text_of

WITH_TARGET = Goal(code="S7.6", target=5)
WITHOUT_TARGET = Goal(code="S3.1", target=None)
GOOD = {"status": "en_ejecucion", "progress_pct": "40", "delivered": "2",
        "narrative": "Dos puestos de salud ampliados.", "sources": ["Informe N° 012-2021"],
        "cause": "", "pim": "1250000.50", "devengado": "", "cui": "2345678"}


def test_a_good_report_is_cleaned():
    content, errors = clean_report(GOOD, WITH_TARGET)
    assert errors == []
    assert content == ReportInput("en_ejecucion", Decimal("40.00"), 2,
                                  "Dos puestos de salud ampliados.", ("Informe N° 012-2021",),
                                  None, Decimal("1250000.50"), None, "2345678")


@pytest.mark.parametrize("changes, field, message", [
    ({"status": "terminada"}, "status", "The status must be one of"),
    ({"progress_pct": ""}, "progress_pct", "Physical progress is required"),
    ({"progress_pct": "101"}, "progress_pct", "between 0 and 100"),
    ({"progress_pct": "-1"}, "progress_pct", "between 0 and 100"),
    ({"progress_pct": "abc"}, "progress_pct", "must be a number"),
    ({"progress_pct": "1.040,5"}, "progress_pct", "without thousands separators"),
    ({"progress_pct": "NaN"}, "progress_pct", "must be a number"),
    ({"progress_pct": "140,5"}, "progress_pct", "between 0 and 100"),
    ({"delivered": "-2"}, "delivered", "whole number"),
    ({"delivered": "2.5"}, "delivered", "whole number"),
    ({"narrative": "   "}, "narrative", "Describe what was done"),
    ({"narrative": "x" * 5001}, "narrative", "at most 5000"),
    ({"status": "cumplida", "progress_pct": "100", "sources": []}, "sources",
     "needs at least one source"),
    ({"status": "cumplida", "progress_pct": "90"}, "progress_pct", "progress of 100"),
    ({"status": "no_iniciada", "progress_pct": "5"}, "progress_pct", "write 0"),
    ({"status": ""}, "status", "Choose a status."),
    ({"progress_pct": "sesenta"}, "progress_pct", "such as 60.5 or 60,5."),
    ({"status": "paralizada"}, "cause", "Give the cause"),
    ({"status": "cancelada", "cause": "  "}, "cause", "Give the cause"),
    ({"pim": "12.345"}, "pim", "at most two decimals"),
    ({"devengado": "-1"}, "devengado", "between 0 and"),
    ({"cui": "12AB"}, "cui", "6 or 7 digits"),
])
def test_bad_values_get_a_clear_message(changes, field, message):
    content, errors = clean_report({**GOOD, **changes}, WITH_TARGET)
    assert content is None
    assert [name for name, _ in errors] == [field]
    assert message in str(errors[0][1])


@pytest.mark.parametrize("written", ["40.5", "40,5", " 40,50 "])
def test_a_decimal_point_or_comma_is_read(written):
    content, errors = clean_report({**GOOD, "progress_pct": written, "pim": "1250,5"},
                                   WITH_TARGET)
    assert errors == []
    assert content.progress_pct == Decimal("40.5") and content.pim == Decimal("1250.5")


def test_a_goal_without_target_takes_no_delivered_quantity():
    content, errors = clean_report(GOOD, WITHOUT_TARGET)
    assert content is None
    assert "S3.1 promises no quantity" in str(errors[0][1])
    assert clean_report({**GOOD, "delivered": ""}, WITHOUT_TARGET)[1] == []


def test_halted_with_cause_and_fulfilled_with_sources_are_accepted():
    assert clean_report({**GOOD, "status": "paralizada", "cause": "Falta de presupuesto"},
                        WITH_TARGET)[1] == []
    assert clean_report({**GOOD, "status": "cumplida", "progress_pct": "100"},
                        WITH_TARGET)[1] == []


@pytest.fixture
def official(auth, make_user):
    user = make_user("official")
    auth.sign_in_as(user, "official")
    return user


FORM = {"quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "40", "delivered": "2",
        "narrative": "Se ampliaron dos puestos de salud.\n\nFaltan tres.",
        "sources": "https://www.gob.pe/muniilo/informe-12\nInforme N° 012-2021-GDS",
        "cause": "", "pim": "1250000.50", "devengado": "500000", "cui": "2345678"}


def test_an_official_publishes_a_report_shown_on_the_goal_page(client, official):
    response = client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    assert response.status_code == 302
    page = text_of(client.get("/metas/S7.6"))
    assert "Trimestre 2021-T3" in page
    assert "En ejecución 40 % de avance" in page
    assert "Entregado: 2 de 5" in page
    assert "PIM S/ 1,250,000.50" in page
    assert "Devengado S/ 500,000.00" in page
    assert "Se ampliaron dos puestos de salud." in page
    html = client.get("/metas/S7.6").get_data(as_text=True)
    assert '<a href="https://www.gob.pe/muniilo/informe-12" rel="nofollow noopener">' in html


def test_bad_input_on_the_form_is_explained_and_nothing_is_published(client, official):
    response = client.post("/metas/S7.6/reportes/nuevo",
                           data={**FORM, "progress_pct": "140", "status": "paralizada"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Avance físico debe estar entre 0 y 100." in page
    assert "Indique la causa cuando una meta está paralizada o cancelada." in page
    assert "Se ampliaron dos puestos de salud." in response.get_data(as_text=True)
    assert "La municipalidad aún no ha publicado ningún reporte sobre esta meta." in \
        text_of(client.get("/metas/S7.6"))


def test_a_quarter_outside_the_plan_is_refused(client, official):
    response = client.post("/metas/S7.6/reportes/nuevo", data={**FORM, "quarter": "2023-T1"})
    assert response.status_code == 400
    assert "Trimestre 2023-T1" not in text_of(client.get("/metas/S7.6"))


def test_one_report_per_goal_and_quarter(client, official):
    assert client.post("/metas/S7.6/reportes/nuevo", data=FORM).status_code == 302
    again = client.post("/metas/S7.6/reportes/nuevo", data={**FORM, "progress_pct": "90"})
    assert again.status_code == 400
    assert text_of(client.get("/metas/S7.6")).count("Trimestre 2021-T3") == 1


def test_a_correction_needs_a_reason_and_keeps_what_the_report_said(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    correction = {**FORM, "progress_pct": "45", "devengado": "650000"}
    del correction["quarter"]
    refused = client.post("/metas/S7.6/reportes/2021-T3/corregir", data=correction)
    assert refused.status_code == 400
    assert "Indique por qué se corrige el reporte" in text_of(refused)

    done = client.post("/metas/S7.6/reportes/2021-T3/corregir",
                       data={**correction, "reason": "La gerencia actualizó el avance."})
    assert done.status_code == 302
    page = text_of(client.get("/metas/S7.6"))
    assert "En ejecución 45 % de avance" in page
    assert "Motivo: La gerencia actualizó el avance." in page
    assert "Ver la versión anterior" in page
    assert "Versión 1, del" in page
    assert "Avance físico 40 %" in page
    assert "Devengado S/ 500,000.00" in page


def test_a_correction_that_changes_nothing_adds_no_revision(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    same = {k: v for k, v in FORM.items() if k != "quarter"}
    response = client.post("/metas/S7.6/reportes/2021-T3/corregir",
                           data={**same, "reason": "Revisado"})
    assert response.status_code == 302
    assert "Ver la versión anterior" not in text_of(client.get("/metas/S7.6"))


def test_the_correction_form_starts_from_what_the_report_says(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    html = client.get("/metas/S7.6/reportes/2021-T3/corregir").get_data(as_text=True)
    assert 'value="1250000.5"' in html
    assert "Informe N° 012-2021-GDS" in html
    assert client.get("/metas/S7.6/reportes/2019-T1/corregir").status_code == 404


def test_silence_is_visible_for_goals_without_a_report_for_the_latest_quarter(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data={**FORM, "quarter": "2021-T2"})
    client.post("/metas/S7.5/reportes/nuevo", data={**FORM, "quarter": "2021-T3",
                                                    "delivered": "1"})
    page = text_of(client.get("/metas/S7.6"))
    assert "Sin reporte en 2021-T3" in page
    assert "último: 2021-T2, En ejecución, 40 %" in page
    assert "Sin reporte" in text_of(client.get("/metas/S7.7"))


def test_home_and_dimension_show_aggregate_progress(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    client.post("/metas/S7.5/reportes/nuevo", data={**FORM, "status": "cumplida",
                                                    "progress_pct": "100", "delivered": "2"})
    home = text_of(client.get("/"))
    # (40 + 100) / 71 goals
    assert "2 % de avance físico promedio" in home
    assert "2 de 71 metas tienen reporte" in home
    assert "Último trimestre reportado: 2021-T3." in home
    assert "Cumplida 1" in home and "En ejecución 1" in home and "Sin reporte 69" in home
    dimension = text_of(client.get("/dimensiones/S"))
    assert "5 % de avance físico promedio" in dimension  # 140 / 28 goals
    # objective S7 has 7 goals: 140 / 7
    assert "20 % de avance físico promedio" in dimension
    assert "S7.5 02 Proyectos de prevención de enfermedades prevalentes en la Provincia de Ilo " \
           "Meta: 2 Proyecto Cumplida 100 % de avance" in dimension


def test_the_api_gives_reports_with_their_revisions(client, official):
    client.post("/metas/S7.6/reportes/nuevo", data=FORM)
    correction = {k: v for k, v in FORM.items() if k != "quarter"}
    client.post("/metas/S7.6/reportes/2021-T3/corregir",
                data={**correction, "progress_pct": "45", "reason": "Actualizado"})
    document = client.get("/api/v1/goals/S7.6").get_json()
    assert document["latest"] == {"quarter": "2021-T3", "status": "en_ejecucion",
                                  "progress_pct": 45.0, "delivered": 2}
    [report] = document["reports"]
    assert report["corrected"] is True
    assert report["reason"] == "Actualizado"
    assert [r["progress_pct"] for r in report["revisions"]] == [40.0, 45.0]
    assert report["pim"] == "1250000.50"
    assert report["sources"] == ["https://www.gob.pe/muniilo/informe-12",
                                 "Informe N° 012-2021-GDS"]
    assert "@" not in client.get("/api/v1/goals/S7.6").get_data(as_text=True)


def test_a_goal_without_reports_has_null_latest(client):
    document = client.get("/api/v1/goals/S1.1").get_json()
    assert document["latest"] is None
    assert document["reports"] == []
