"""Every goal of the seed document is in the database with its code, text and target."""
import csv

from sqlalchemy import func, select

from models import Dimension, Goal, Objective, Problem, db
from portal.services.plan import plan_tree
from tests.conftest import TEST_DATA


def expected_goals():
    with open(TEST_DATA / "plan-goals.tsv", encoding="utf-8") as handle:
        return [(row["code"], int(row["target"]) if row["target"] else None, row["kind"],
                 row["text"]) for row in csv.DictReader(handle, delimiter="\t")]


def test_every_goal_of_the_seed_is_stored_in_order(app_ctx):
    stored = [(g.code, g.target, g.kind, g.text) for g in plan_tree().goals]
    assert stored == expected_goals()
    assert len(stored) == 71


def test_the_plan_has_four_dimensions_with_their_problems_and_objectives(app_ctx):
    plan = plan_tree()
    assert [(d.code, d.name, len(d.problems), len(d.objectives), len(d.goals))
            for d in plan.dimensions] == [
        ("S", "Social", 6, 8, 28),
        ("E", "Económica", 2, 7, 18),
        ("A", "Ambiental", 3, 7, 14),
        ("I", "Institucional", 3, 4, 11),
    ]
    assert (plan.title, plan.period_start, plan.period_end) == (
        "PLAN DE GOBIERNO 2019 - 2022", 2019, 2022)
    assert plan.municipality == "MUNICIPALIDAD PROVINCIAL DE ILO - MOQUEGUA"
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (Dimension, Problem, Objective, Goal)]
    # Ilo's, and the second municipality's (4, 5, 5, 10) beside them.
    assert counts == [4 + 4, 14 + 5, 26 + 5, 71 + 10]


def test_the_health_posts_goal_keeps_the_plans_words(app_ctx):
    goal = db.session.scalar(select(Goal).where(Goal.code == "S7.6"))
    assert goal.text == ("05 Proyectos de inversión para ampliación y equipamiento del puestos de "
                         "salud existentes en la provincia de Ilo.")
    assert goal.target == 5
    assert goal.objective.text == "Mejorar de la cobertura y de la calidad de los servicios de salud"
    assert goal.objective.problem.text.endswith("en beneficio de la calidad de vida de la población")


def test_the_last_goal_names_the_vigilance_committees(app_ctx):
    goal = db.session.scalar(select(Goal).where(Goal.code == "I4.2"))
    assert goal.text.endswith("(COPALE, CODISEC, Concejo de la Juventud, Comité Multisectorial "
                              "de salud,)")
