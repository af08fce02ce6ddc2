"""``flask plan import`` and ``flask plan export`` against a real database."""
import json

import pytest
from sqlalchemy import func, select

from app import create_app
from models import Plan, db
from portal.importers import PlanFormatError, parse_plan_file
from portal.importers.plan_json import plan_document
from portal.services.plan import plan_tree
from tests.conftest import PLAN_FILE


def snapshot():
    db.session.expire_all()
    return json.dumps(plan_document(plan_tree()), sort_keys=True)


def test_reimporting_the_same_file_changes_nothing(app_ctx, runner):
    before = snapshot()
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE)])
    assert result.exit_code == 0, result.output
    assert "Sin cambios" in result.output
    assert snapshot() == before


def test_import_reports_what_it_kept_but_found_odd(app_ctx, runner):
    result = runner.invoke(args=["plan", "import", str(PLAN_FILE)])
    assert "línea 34: la meta E1.3 repite la meta E1.2" in result.output
    assert "línea 10: el objetivo S2 parece cortado" in result.output


def test_export_then_import_gives_back_the_same_plan(app_ctx, runner, tmp_path):
    exported = tmp_path / "plan.json"
    result = runner.invoke(args=["plan", "export", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["dimensions"][0]["problems"][4]["objectives"][0]["goals"][5]["code"] == "S7.6"
    before = snapshot()
    result = runner.invoke(args=["plan", "import", str(exported)])
    assert result.exit_code == 0, result.output
    assert "Sin cambios" in result.output
    assert snapshot() == before


def test_a_curated_json_updates_texts_and_adds_goals_keeping_codes(app_ctx, runner, tmp_path):
    document = json.loads(snapshot())
    goals = document["dimensions"][0]["problems"][4]["objectives"][0]["goals"]
    goals[5]["text"] = "05 Proyectos de inversión para ampliación y equipamiento de puestos de salud"
    goals.insert(0, {"text": "02 Proyectos nuevos de telemedicina"})
    curated = tmp_path / "curated.json"
    curated.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    result = runner.invoke(args=["plan", "import", str(curated)])
    assert result.exit_code == 0, result.output
    stored = {g.code: g for g in plan_tree().goals}
    assert stored["S7.6"].text.endswith("equipamiento de puestos de salud")
    assert stored["S7.8"].text == "02 Proyectos nuevos de telemedicina"
    assert (stored["S7.8"].target, stored["S7.8"].kind, stored["S7.8"].position) == (2, "proyecto", 1)
    assert len(stored) == 72


def test_a_file_that_drops_published_goals_is_refused_and_changes_nothing(app_ctx, runner, tmp_path):
    document = json.loads(snapshot())
    del document["dimensions"][3]["problems"][2]["objectives"][0]["goals"][1]
    document["dimensions"][0]["problems"][0]["text"] = "Texto cambiado"
    shorter = tmp_path / "shorter.json"
    shorter.write_text(json.dumps(document), encoding="utf-8")
    before = snapshot()

    result = runner.invoke(args=["plan", "import", str(shorter)])
    assert result.exit_code == 1
    assert "le faltan las metas I4.2" in result.output
    assert snapshot() == before


def test_a_broken_file_is_refused_naming_the_line_and_changes_nothing(app_ctx, runner, tmp_path):
    broken = tmp_path / "broken.txt"
    text = PLAN_FILE.read_text(encoding="utf-8").replace(
        "DIMENSION ECONOMICA", "DIMENSION CULTURAL")
    broken.write_text(text, encoding="utf-8")
    before = snapshot()
    result = runner.invoke(args=["plan", "import", str(broken)])
    assert result.exit_code == 1
    assert "línea 30: dimensión desconocida «Cultural»" in result.output
    assert snapshot() == before


def test_a_plan_of_another_municipality_must_say_which(app_ctx, runner, tmp_path):
    document = json.loads(snapshot())
    document["plan"]["municipality"] = "MUNICIPALIDAD DISTRITAL DE EL ALGARROBAL"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(document), encoding="utf-8")
    plans = db.session.scalar(select(func.count()).select_from(Plan))
    result = runner.invoke(args=["plan", "import", str(other)])
    assert result.exit_code == 1
    assert "diga de quién es este plan con su ubigeo (--ubigeo" in result.output
    assert db.session.scalar(select(func.count()).select_from(Plan)) == plans
    result = runner.invoke(args=["plan", "import", str(other), "--ubigeo", "180302"])
    assert result.exit_code == 0, result.output
    plan = db.session.scalars(select(Plan).where(Plan.municipality.contains("ALGARROBAL"))).one()
    assert (plan.address_municipality, plan.address_term) == ("el-algarrobal", None)


def test_json_errors_name_the_field(app_ctx, tmp_path):
    document = json.loads(snapshot())
    document["dimensions"][1]["problems"][0]["objectives"][0]["goals"][0]["target"] = -3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanFormatError) as refused:
        parse_plan_file(bad)
    assert str(refused.value.where) == "dimensions[1].problems[0].objectives[0].goals[0].target"
    assert str(refused.value.message) == "debe ser un número entero, cero o mayor"


def test_invalid_json_names_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "format": "plan-de-gobierno/1",\n  "plan": ,\n}', encoding="utf-8")
    with pytest.raises(PlanFormatError) as refused:
        parse_plan_file(bad)
    assert str(refused.value.where) == "line 3"


def test_export_without_a_plan_says_so(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["plan", "export"])
    assert result.exit_code == 1
    assert "No hay ningún plan que exportar" in result.output
