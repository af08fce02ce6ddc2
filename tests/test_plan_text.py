"""The parser on real fragments of the seed, the awkward ones first."""
import pytest

from portal.importers import PlanFormatError, parse_plan_file
from portal.importers.plan_text import goal_pieces, parse_plan_text
from portal.importers.structure import goal_kind, goal_target

PREFACE = "PARTIDO POLITICO PERU NACION\nPLAN DE GOBIERNO 2019 - 2022\n" \
          "MUNICIPALIDAD PROVINCIAL DE ILO - MOQUEGUA\n\n"
HEADER = "PROBLEMA IDENTIFICADO\tOBJETIVO ESTRATEGICO\tMETA AL 2022\n"
BULLETS = '<ul style="list-style-type: none"> '


def parse(body, heading="DIMENSION SOCIAL\t\t\n" + HEADER):
    return parse_plan_text(PREFACE + heading + body, "fragment.txt")


def goals(plan):
    return [(g.code, g.target, g.text) for g in plan.goals()]


def test_a_sentence_cut_across_a_page_break_is_joined():
    plan = parse(
        "Los servicios de salud en la provincia requieren mejorar la calidad en beneficio de la "
        "calidad de\tMejorar de la cobertura y de la calidad de los servicios de salud\t"
        f"{BULLETS}• 01 Programa de Implementación del Seguro Universal de\n"
        "\n"
        "vida de la población\t\t<p>Salud al alcance de todos</p> "
        f"{BULLETS}• 01 Programa de promoción nutricional con énfasis en los escolares y madres "
        "gestantes\n")
    problem = plan.dimensions[0].problems[0]
    assert problem.text.endswith("en beneficio de la calidad de vida de la población")
    assert len(problem.objectives) == 1
    assert goals(plan) == [
        ("S1.1", 1, "01 Programa de Implementación del Seguro Universal de Salud al alcance de "
                    "todos"),
        ("S1.2", 1, "01 Programa de promoción nutricional con énfasis en los escolares y madres "
                    "gestantes"),
    ]


def test_a_bullet_list_split_over_two_pages_with_a_table_rule_between():
    plan = parse(
        "La provincia de Ilo ha sido referente\tMejorar la calidad de la educación en la "
        f"provincia de Ilo\t{BULLETS}• 01 Programa de educación\n"
        "\n"
        "\t\t<p>ambiental, implementado</p> <ul style=\"list-style-type: none\">• 01 Programa de "
        "educación multimedia por TV u otros medios, implementado en todas las I.E estatales.• 01 "
        "programa de escuelas de prevención del delito dirigido a estudiantes del nivel primario y\n"
        "--\t--\t--\n"
        "\n"
        "\t\tsecundario en las instituciones educativas del distrito, Implementado\n")
    assert goals(plan) == [
        ("S1.1", 1, "01 Programa de educación ambiental, implementado"),
        ("S1.2", 1, "01 Programa de educación multimedia por TV u otros medios, implementado en "
                    "todas las I.E estatales."),
        ("S1.3", 1, "01 programa de escuelas de prevención del delito dirigido a estudiantes del "
                    "nivel primario y secundario en las instituciones educativas del distrito, "
                    "Implementado"),
    ]


def test_after_a_page_break_a_capitalised_objective_is_a_new_one():
    plan = parse(
        "En la misión de hacer de Ilo un puerto, la municipalidad requiere desarrollar las "
        "actividades portuarias y\tPromover la construcción del nuevo Puerto de Ilo\t"
        f"{BULLETS}• 01 Proyecto de promoción del Nuevo Puerto de Ilo\n"
        "\n"
        "las vías de comunicación de soporte\tPromover la competitividad del puerto de Ilo\t"
        f"{BULLETS}• 01 Proyecto de remodelación urbana y habitación de la ciudad puerto\n")
    problem = plan.dimensions[0].problems[0]
    assert problem.text.endswith("actividades portuarias y las vías de comunicación de soporte")
    assert [o.text for o in problem.objectives] == [
        "Promover la construcción del nuevo Puerto de Ilo",
        "Promover la competitividad del puerto de Ilo",
    ]
    assert [g.code for g in plan.goals()] == ["S1.1", "S2.1"]


def test_an_objective_cut_by_a_page_break_is_joined():
    plan = parse(
        "<p>Siendo la ciudad de Ilo, vulnerable a impactos ambientales por las</p>\t<p>Activar "
        "la participación del gobierno local y la</p>\t"
        f"{BULLETS}• 01 Proyecto de inversión para la instalación de un\n"
        "\n"
        "<p>actividades industriales y metalúrgicas</p>\t<p>comunidad en el control del medio "
        "ambiente y la calidad de vida</p>\t<p>sistema de monitoreo de contaminación</p> "
        f"{BULLETS}• 01 Programa de control ambiental en las industrias\n")
    objective = plan.dimensions[0].problems[0].objectives[0]
    assert objective.text == ("Activar la participación del gobierno local y la comunidad en el "
                              "control del medio ambiente y la calidad de vida")
    assert [g.text for g in objective.goals] == [
        "01 Proyecto de inversión para la instalación de un sistema de monitoreo de contaminación",
        "01 Programa de control ambiental en las industrias",
    ]


def test_goals_without_a_number_have_no_target():
    plan = parse(
        "Debilitamiento de la gobernanza\tPromover la participación activa de la juventud en el "
        f"desarrollo local\t{BULLETS}• Casa de la juventud brindando servicios • implementación "
        "de un gimnasio municipal\n")
    assert goals(plan) == [
        ("S1.1", None, "Casa de la juventud brindando servicios"),
        ("S1.2", None, "implementación de un gimnasio municipal"),
    ]
    assert [g.kind for g in plan.goals()] == ["otro", "otro"]


def test_markup_is_stripped_and_paragraphs_without_bullets_are_goals():
    plan = parse(
        "<p>La municipalidad, requieren incorporar programas</p>\t<i>Construcción y "
        "Mantenimiento de espacios</i>\t<p>01 Proyecto de inversión para la <i>construcción</i> "
        "de la casa del adulto mayor</p> <p>02 Proyectos de inversión para servicios &amp; "
        "atención</p>\n")
    problem = plan.dimensions[0].problems[0]
    assert problem.text == "La municipalidad, requieren incorporar programas"
    assert problem.objectives[0].text == "Construcción y Mantenimiento de espacios"
    assert goals(plan) == [
        ("S1.1", 1, "01 Proyecto de inversión para la construcción de la casa del adulto mayor"),
        ("S1.2", 2, "02 Proyectos de inversión para servicios & atención"),
    ]


def test_a_goals_only_row_without_a_break_adds_goals_to_the_same_objective():
    plan = parse(
        "Problema\tInvertir en infraestructura recreacional y de esparcimiento\t"
        f"{BULLETS}• 01 Proyecto para la <i>remodelación y mantenimiento de parques</i>\n"
        f"\t\t{BULLETS}• 01 Plan operativo para la <i>Instalación de forestación urbana</i>\n")
    assert goals(plan) == [
        ("S1.1", 1, "01 Proyecto para la remodelación y mantenimiento de parques"),
        ("S1.2", 1, "01 Plan operativo para la Instalación de forestación urbana"),
    ]


def test_a_column_header_cut_by_a_page_break_is_not_a_problem():
    plan = parse(
        "Problema uno\tObjetivo uno\t• 01 Proyecto uno\n",
        heading="DIMENSION ECONOMICA\t\t\nPROBLEMA\tOBJETIVO\tMETA AL 2022\n\n"
                "IDENTIFICADO\tESTRATEGICO\t\n")
    assert plan.dimensions[0].code == "E"
    assert [p.text for p in plan.dimensions[0].problems] == ["Problema uno"]


@pytest.mark.parametrize("heading, code, name", [
    ("DIMENSIÓN AMBIENTAL\t\t\n", "A", "Ambiental"),
    ("<p>DIMENCIÓN INSTITUCIONAL</p>\t\t\n", "I", "Institucional"),
])
def test_dimension_headings_as_the_plan_spells_them(heading, code, name):
    plan = parse("Problema\tObjetivo\t• 01 Plan uno\n", heading=heading)
    assert (plan.dimensions[0].code, plan.dimensions[0].name) == (code, name)


def test_the_preface_gives_title_period_party_and_municipality():
    plan = parse("Problema\tObjetivo\t• 01 Plan uno\n")
    assert plan.title == "PLAN DE GOBIERNO 2019 - 2022"
    assert (plan.period_start, plan.period_end) == (2019, 2022)
    assert plan.party == "PARTIDO POLITICO PERU NACION"
    assert plan.municipality == "MUNICIPALIDAD PROVINCIAL DE ILO - MOQUEGUA"


def test_a_goal_listed_twice_is_kept_and_reported():
    plan = parse(
        "Problema\tApoyar al sector de la pequeña y mediana industria\t"
        f"{BULLETS}• 01 Programa de capacitación para el acceso al crédito para la mediana y "
        "pequeña industria • 01 Programa de capacitación para el acceso al crédito para la "
        "mediana y pequeña Industria\n")
    assert [g.code for g in plan.goals()] == ["S1.1", "S1.2"]
    assert [str(w) for w in plan.warnings] == [
        "line 7: goal S1.2 repeats goal S1.1, kept both: “01 Programa de capacitación para el "
        "acceso al crédito para la mediana y pequeña Industria”"]


def test_a_text_cut_short_is_kept_and_reported():
    plan = parse("Problema\tReactivar la participación de la comunidad en la\t• Programa uno\n")
    assert plan.dimensions[0].problems[0].objectives[0].text.endswith("en la")
    assert "objective S1 seems cut short" in str(plan.warnings[0])


@pytest.mark.parametrize("body, line, message", [
    ("\tObjetivo sin problema\t• 01 Plan uno\n", 7, "has no problem before it"),
    ("Problema\tObjetivo\tMeta\tcuarta columna\n", 7, "has 4 columns"),
    ("Problema sin objetivo\t\t\n", 7, "has no objective"),
    ("Problema\tObjetivo sin metas\t\n", 7, "has no goals"),
    ("Problema\tObjetivo\t• 01 Plan\nDIMENSION CULTURAL\t\t\n", 8, "unknown dimension"),
    ("Problema\tObjetivo\t• 01 Plan\nDIMENSION SOCIAL\t\t\n", 8, "appears twice"),
])
def test_a_file_it_cannot_make_sense_of_is_refused_naming_the_line(body, line, message):
    with pytest.raises(PlanFormatError) as refused:
        parse(body)
    assert str(refused.value.where) == f"line {line}"
    assert message in str(refused.value.message)


def test_a_goal_before_any_objective_is_refused():
    with pytest.raises(PlanFormatError, match="line 7: goal “01 Plan” has no objective"):
        parse("\t\t• 01 Plan\n")


def test_text_before_the_first_dimension_must_be_the_preface():
    with pytest.raises(PlanFormatError, match="line 1: unexpected text"):
        parse_plan_text("Índice general\nDIMENSION SOCIAL\t\t\n", "x.txt")


def test_a_plan_without_title_or_dimensions_is_refused():
    with pytest.raises(PlanFormatError, match="no dimension heading"):
        parse_plan_text(PREFACE, "x.txt")
    with pytest.raises(PlanFormatError, match="plan title with its period"):
        parse_plan_text("DIMENSION SOCIAL\nProblema\tObjetivo\t• 01 Plan\n", "x.txt")


def test_empty_and_non_utf8_files_are_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(PlanFormatError, match="empty"):
        parse_plan_file(empty)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes((PREFACE + "DIMENSIÓN SOCIAL").encode("latin-1"))
    with pytest.raises(PlanFormatError, match="not UTF-8"):
        parse_plan_file(latin)


def test_goal_pieces_tell_the_lead_from_the_bullets():
    assert goal_pieces("<p>ambiental, implementado</p> <ul>• 01 Uno • 02 Dos") == (
        ["ambiental, implementado"], ["01 Uno", "02 Dos"])
    assert goal_pieces("<p>01 Uno</p> <p>02 Dos</p>") == (["01 Uno", "02 Dos"], [])


@pytest.mark.parametrize("text, target, kind", [
    ("05 Proyectos de inversión para ampliación", 5, "proyecto"),
    ("01 programa de escuelas de prevención", 1, "programa"),
    ("01 Plan estratégico para incorporar", 1, "plan"),
    ("Programa de participación ciudadana en la salud", None, "programa"),
    ("Reactivación del Concejo de Salud local", None, "otro"),
    ("01 Programa implementado y desarrollado", 1, "programa"),
])
def test_target_and_kind_come_from_the_words(text, target, kind):
    assert (goal_target(text), goal_kind(text)) == (target, kind)
