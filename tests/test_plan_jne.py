"""Plans in the JNE's JSON format: read as the national platforms serve them."""
import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from models import Goal, Plan, db
from portal.importers import PlanFormatError, parse_plan_file
from portal.importers.register import municipalities
from portal.services.municipalities import seed_municipalities

PACOCHA = Path(__file__).parent / "data" / "plan-jne-pacocha-demostracion.json"


def document():
    return json.loads(PACOCHA.read_text(encoding="utf-8"))


def written(tmp_path, changed, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    return path


def refusal(path, **given):
    with pytest.raises(PlanFormatError) as refused:
        parse_plan_file(path, **given)
    return str(refused.value.where), str(refused.value.message)


def goals(plan):
    return {g.code: g for g in plan.goals()}


def test_rows_of_one_problem_and_objective_are_grouped_and_metas_split_into_goals():
    plan = parse_plan_file(PACOCHA)
    assert (plan.period_start, plan.period_end, plan.ubigeo, plan.election) == (
        2027, 2030, "180303", "distrital")
    assert plan.party == "[Demostración] Organización de prueba, no es un partido real"
    assert plan.source == "JNE, plan de gobierno 990001 (plan-jne-pacocha-demostracion.json)"
    assert [(d.code, d.name, len(d.problems)) for d in plan.dimensions] == [
        ("S", "Social", 2), ("E", "Económica", 1), ("A", "Ambiental", 1),
        ("I", "Institucional", 1)]
    social = plan.dimensions[0]
    # The second row repeats the problem and leaves the objective empty: the same ones.
    assert [o.code for o in social.problems[0].objectives] == ["S1"]
    assert [o.code for o in social.problems[1].objectives] == ["S2"]
    assert social.problems[1].objectives[0].text == (
        "[Demostración] Fortalecer la lectura en las escuelas públicas.")
    found = goals(plan)
    assert list(found) == ["S1.1", "S1.2", "S1.3", "S2.1", "S2.2", "E1.1", "E1.2", "A1.1",
                           "A1.2", "I1.1"]
    assert found["S1.1"].text == "02 Puestos de salud equipados & en funcionamiento [Demostración]"
    # A line the form wrapped is the rest of the line before it.
    assert found["S1.3"].text == ("03 Campañas de salud al año en los asentamientos humanos del "
                                  "distrito [Demostración]")
    # An enumeration is a list mark, a leading number a quantity.
    assert found["E1.1"].text == "Proyecto de mejoramiento del desembarcadero artesanal [Demostración]"
    assert [(code, g.target, g.kind) for code, g in found.items()] == [
        ("S1.1", 2, "otro"), ("S1.2", 1, "programa"), ("S1.3", 3, "otro"),
        ("S2.1", None, "programa"), ("S2.2", 4, "otro"), ("E1.1", None, "proyecto"),
        ("E1.2", None, "plan"), ("A1.1", None, "programa"), ("A1.2", 10, "otro"),
        ("I1.1", 2, "otro")]
    # Every goal of a row carries its indicator; an empty or missing one is none.
    assert found["S1.2"].indicator == "Número de puestos de salud equipados"
    assert [found[code].indicator for code in ("S1.3", "S2.1", "I1.1")] == [None, None, None]
    assert [str(w) for w in plan.warnings] == [
        "dimensionAmbiental[1] (idPlanGobDimension 6): an empty row, left out"]


def test_the_term_comes_from_the_election_or_the_command_line(tmp_path):
    changed = document()
    del changed["datoGeneral"]["txProcesoElectoral"]
    path = written(tmp_path, changed)
    assert refusal(path)[0] == "datoGeneral"
    plan = parse_plan_file(path, term="2027-2030")
    assert (plan.period_start, plan.period_end) == (2027, 2030)
    assert refusal(path, term="2030-2027")[0] == "--term"


def test_the_municipality_comes_from_the_file_or_the_command_line(tmp_path):
    changed = document()
    del changed["datoGeneral"]["txUbigeo"]
    path = written(tmp_path, changed)
    assert refusal(path)[0] == "datoGeneral"
    assert parse_plan_file(path, ubigeo="180303").ubigeo == "180303"
    assert refusal(PACOCHA, ubigeo="180301") == (
        "datoGeneral.txUbigeo", "the file is the plan of 180303, not of 180301")
    assert refusal(path, ubigeo="18030")[0] == "--ubigeo"


@pytest.mark.parametrize("change, where", [
    (lambda d: d["dimensionSocial"][1].update(idPgDimension=2),
     "dimensionSocial[1] (idPlanGobDimension 2).idPgDimension"),
    (lambda d: d["dimensionEconomica"][0].update(txPgMeta="  "),
     "dimensionEconomica[0] (idPlanGobDimension 4).txPgMeta"),
    (lambda d: d["dimensionEconomica"][0].update(txPgProblema=""),
     "dimensionEconomica[0] (idPlanGobDimension 4).txPgProblema"),
    (lambda d: d["dimensionInstitucional"][0].update(txPgObjetivo=None),
     "dimensionInstitucional[0] (idPlanGobDimension 7).txPgObjetivo"),
    (lambda d: d["dimensionSocial"][0].update(txPgMeta=["02 Puestos"]),
     "dimensionSocial[0] (idPlanGobDimension 1).txPgMeta"),
    (lambda d: d.update(dimensionSocial={"txPgMeta": "x"}), "dimensionSocial"),
    (lambda d: d["datoGeneral"].update(txTipoEleccion="REGIONAL"), "datoGeneral.txTipoEleccion"),
    (lambda d: d.update(dimensionTerritorialAmbiental=d["dimensionAmbiental"]),
     "dimensionTerritorialAmbiental"),
])
def test_a_row_at_fault_is_named(tmp_path, change, where):
    changed = copy.deepcopy(document())
    change(changed)
    assert refusal(written(tmp_path, changed))[0] == where


def test_recent_processes_name_the_environment_territorial(tmp_path):
    changed = document()
    changed["dimensionTerritorialAmbiental"] = changed.pop("dimensionAmbiental")
    plan = parse_plan_file(written(tmp_path, changed))
    assert [(d.code, d.name) for d in plan.dimensions][2] == ("A", "Territorial-ambiental")


def test_a_plan_without_rows_is_refused(tmp_path):
    empty = {"datoGeneral": document()["datoGeneral"], "dimensionSocial": []}
    assert refusal(written(tmp_path, empty))[0] == "dimensionSocial"


def test_a_plan_whose_election_or_party_says_it_is_a_demonstration_is_one(tmp_path):
    assert parse_plan_file(PACOCHA).demonstration
    filed = document()
    for key in ("txProcesoElectoral", "txOrganizacionPolitica"):
        filed["datoGeneral"][key] = filed["datoGeneral"][key].replace("[Demostración] ", "")
    assert not parse_plan_file(written(tmp_path, filed)).demonstration
    party_only = document()
    party_only["datoGeneral"]["txProcesoElectoral"] = "ELECCIONES REGIONALES Y MUNICIPALES 2026"
    assert parse_plan_file(written(tmp_path, party_only, "party.json")).demonstration


def test_a_text_or_canonical_plan_keeps_its_own_term(tmp_path):
    from tests.conftest import PLAN_FILE
    assert refusal(PLAN_FILE, term="2023-2026") == (
        "--term", "the file is the plan of 2019-2022, not of 2023-2026")
    assert parse_plan_file(PLAN_FILE, ubigeo="180301", term="2019-2022").ubigeo == "180301"


@pytest.fixture
def empty_portal(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        db.create_all()
        seed_municipalities(e for e in municipalities() if e.ubigeo.startswith("18"))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_importing_a_jne_plan_names_the_municipality_as_the_register_does(empty_portal):
    runner = empty_portal.test_cli_runner()
    result = runner.invoke(args=["plan", "import", str(PACOCHA)])
    assert result.exit_code == 0, result.output
    assert "10 metas" in result.output
    with empty_portal.app_context():
        plan = db.session.scalars(select(Plan)).one()
        assert plan.municipality == "Municipalidad Distrital de Pacocha - Ilo, Moquegua"
        assert plan.term == "2027-2030"
        goal = db.session.scalars(select(Goal).where(Goal.code == "S1.2")).one()
        assert goal.indicator == "Número de puestos de salud equipados"
    again = runner.invoke(args=["plan", "import", str(PACOCHA)])
    assert again.exit_code == 0, again.output
    assert "Sin cambios" in again.output
    client = empty_portal.test_client()
    page = client.get("/metas/S1.2").get_data(as_text=True)
    assert "<dt>Indicador</dt><dd>Número de puestos de salud equipados</dd>" in page
    # The municipality first published, at bare addresses, says its plan is a demonstration.
    assert "Plan de demostración." in page
    assert client.get("/api/v1/goals/S1.2").get_json()["indicator"] == (
        "Número de puestos de salud equipados")
    assert client.get("/api/v1/goals/I1.1").get_json()["indicator"] is None
    table = client.get("/datos/metas.csv").get_data(as_text=True).splitlines()
    assert "indicator" in table[0].split(",")


def test_a_plan_for_another_kind_of_municipality_is_refused(empty_portal, tmp_path):
    changed = document()
    changed["datoGeneral"]["txTipoEleccion"] = "PROVINCIAL"
    result = empty_portal.test_cli_runner().invoke(
        args=["plan", "import", str(written(tmp_path, changed))])
    assert result.exit_code == 1
    assert "elección provincial" in result.output
    with empty_portal.app_context():
        assert db.session.scalars(select(Plan)).first() is None


def test_import_many_loads_each_file_apart_and_sums_up(app_ctx, runner, tmp_path):
    from tests.conftest import PLAN_FILE
    folder = tmp_path / "planes"
    folder.mkdir()
    # The source a plan gives is its file's name: the same names, nothing to change.
    (folder / PLAN_FILE.name).write_bytes(PLAN_FILE.read_bytes())
    (folder / PACOCHA.name).write_bytes(PACOCHA.read_bytes())
    algarrobal = document()
    algarrobal["datoGeneral"]["txUbigeo"] = "180302"
    written(folder, algarrobal, "3-el-algarrobal.json")
    broken = document()
    broken["dimensionSocial"][0]["txPgMeta"] = ""
    broken["datoGeneral"]["txUbigeo"] = "180101"
    written(folder, broken, "4-roto.json")
    (folder / "leeme.md").write_text("no es un plan", encoding="utf-8")

    result = runner.invoke(args=["plan", "import-many", str(folder)])
    assert result.exit_code == 1
    assert "4 archivos de planes en" in result.output
    assert "1 cargados, 2 sin cambios, 1 rechazados" in result.output
    assert ("No se importó 4-roto.json: dimensionSocial[0] (idPlanGobDimension 1).txPgMeta: "
            "la fila no tiene ninguna meta") in result.output
    plan = db.session.scalars(select(Plan).where(Plan.address_municipality == "el-algarrobal")
                              ).one()
    assert plan.municipality == "Municipalidad Distrital de El Algarrobal - Ilo, Moquegua"
    assert db.session.scalars(select(Plan).where(Plan.address_municipality == "mariscal-nieto")
                              ).first() is None
    again = runner.invoke(args=["plan", "import-many", str(folder)])
    assert "0 cargados, 3 sin cambios, 1 rechazados" in again.output


def test_import_many_of_a_folder_without_plans_says_so(runner, tmp_path):
    result = runner.invoke(args=["plan", "import-many", str(tmp_path)])
    assert result.exit_code == 1
    assert "no contiene ningún archivo de plan" in result.output
