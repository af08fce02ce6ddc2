"""A form sent back with errors opens on a summary of them: the form's action carries the
summary's id as its anchor, so the page lands there however far down the form is; the
summary takes the focus and links to each field in error, which is on the page."""
import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from models import Observation, db
from tests.test_answers import observe
from tests.test_hearings import hearing, official  # noqa: F401 (fixtures)
from tests.test_thread import browser

TOO_LONG = "x" * 10_000


def summary_of(response, anchor, own_page=False):
    """The summary a page lands on, after checking that the form that was sent aims at it
    (or, for a form that is the page's own, opens the page): (its text, the ids its links
    point to)."""
    page = lxml_html.fromstring(response.get_data(as_text=True))
    summary = page.get_element_by_id(anchor, None)
    assert summary is not None, f"no summary #{anchor}"
    assert "autofocus" in summary.attrib and summary.get("tabindex") == "-1"
    assert summary.get("role") == "alert"
    actions = [form.get("action") or "" for form in page.iter("form")]
    if own_page:  # first thing of the page's content, before any form of it
        main = page.find(".//main")
        assert summary in main.iter() and not summary.xpath("preceding::form[ancestor::main]")
    else:
        assert any(action.endswith(f"#{anchor}") for action in actions), actions
    targets = [link.get("href")[1:] for link in summary.iter("a")]
    for target in targets:
        assert page.get_element_by_id(target, None) is not None, f"#{target} is not on the page"
    return " ".join(summary.text_content().split()), targets


def test_an_empty_or_too_long_comment_lands_on_its_summary(app, make_user):
    resident = browser(app, make_user(), "resident")
    for body, message in (("", "Escriba algo antes de publicar."), (TOO_LONG, "2000")):
        response = resident.post("/metas/S7.6/comentarios", data={"body": body})
        assert response.status_code == 400
        text, targets = summary_of(response, "comment-errors")
        assert "Revise el formulario" in text and message in text
        assert targets == ["body"]


def test_a_committee_observation_and_the_municipality_answer_land_on_their_own_summaries(
        app, make_user):
    member = browser(app, make_user("moderator", committees=("COPALE",)), "moderator")
    response = member.post("/metas/S4.1/observaciones", data={
        "committee": "COPALE", "kind": "alerta", "body": ""})
    assert response.status_code == 400
    text, targets = summary_of(response, "observation-errors")
    assert targets == ["observation-body"]  # not the comment form's "body"
    page = lxml_html.fromstring(response.get_data(as_text=True))
    assert len(page.xpath('//*[@id="body"]')) <= 1

    observation = observe(app, member, "S4.1", "Faltan pupitres.", days_ago=2)
    official = browser(app, make_user("official"), "official")
    response = official.post(f"/observaciones/{observation}/respuesta", data={"body": ""})
    assert response.status_code == 400
    text, targets = summary_of(response, f"answer-{observation}-errors")
    assert targets == [f"response-{observation}"]
    with app.app_context():
        assert db.session.get(Observation, observation).response is None


def test_a_hearing_question_lands_on_its_summary(app, make_user, hearing):
    resident = browser(app, make_user(), "resident")
    response = resident.post(f"/audiencias/{hearing}/preguntas",
                             data={"body": "", "goal": "", "committee": ""})
    assert response.status_code == 400
    text, targets = summary_of(response, "question-errors")
    assert targets == ["body"]


@pytest.mark.parametrize("path, data, anchor", [
    ("/registro", {"display_name": "", "email": "no-es-correo", "password": "corta",
                   "password_again": "otra"}, "form-errors"),
    ("/entrar", {"email": "", "password": ""}, "form-errors"),
])
def test_forms_that_post_to_their_own_page_land_on_their_summary(app, path, data, anchor):
    response = app.test_client().post(path, data=data)
    assert response.status_code in (200, 400)
    text, targets = summary_of(response, anchor, own_page=True)
    assert targets and "Revise el formulario" in text


def test_each_account_form_lands_on_its_own_summary(app, make_user):
    resident = browser(app, make_user(), "resident")
    response = resident.post("/cuenta/nombre", data={"display_name": ""})
    assert response.status_code == 400
    summary_of(response, "name-errors")
    page = lxml_html.fromstring(response.get_data(as_text=True))
    assert page.get_element_by_id("email-errors", None) is None  # only the form that was sent


def test_a_place_edit_sent_back_keeps_what_was_typed_with_the_error_under_the_goals(
        app, make_user):
    admin = browser(app, make_user("admin"), "admin")
    assert admin.post("/admin/lugares", data={
        "nuevo-name": "Puesto de salud Pampa Inalámbrica", "nuevo-kind": "lugar",
        "nuevo-latitude": "-17.64", "nuevo-longitude": "-71.33",
        "nuevo-goals": "S7.6"}).status_code == 302
    slug = "puesto-de-salud-pampa-inalambrica"

    response = admin.post(f"/admin/lugares/{slug}", data={
        f"{slug}-name": "Puesto de salud renombrado", f"{slug}-latitude": "-17.64",
        f"{slug}-longitude": "-71.33", f"{slug}-goals": "S7.6 Z9.9"})
    assert response.status_code == 400
    text, targets = summary_of(response, f"{slug}-errors")
    assert "Z9.9" in text and targets == [f"{slug}-goals"]
    page = lxml_html.fromstring(response.get_data(as_text=True))
    assert page.get_element_by_id(f"{slug}-name").get("value") == "Puesto de salud renombrado"
    assert "Z9.9" in page.get_element_by_id(f"{slug}-goals-error").text_content()
    listing = admin.get("/admin/lugares").get_data(as_text=True)
    assert "Puesto de salud Pampa Inalámbrica" in listing  # nothing was changed

    response = admin.post("/admin/lugares", data={
        "nuevo-name": "Otro lugar", "nuevo-kind": "lugar", "nuevo-latitude": "-17.64",
        "nuevo-longitude": "-71.33", "nuevo-goals": "Q1"})
    assert response.status_code == 400
    text, targets = summary_of(response, "form-errors")
    assert targets == ["nuevo-goals"]
    assert "Otro lugar" not in admin.get("/lugares").get_data(as_text=True)


def test_a_rating_out_of_range_lands_on_its_summary_which_points_at_the_stars(app, make_user):
    resident = browser(app, make_user(), "resident")
    response = resident.post("/metas/S7.6/calificacion", data={"stars": "9"})
    assert response.status_code == 400
    text, targets = summary_of(response, "rating-errors")
    assert targets == ["rating-stars"]
