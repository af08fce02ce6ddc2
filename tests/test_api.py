"""The open data API, checked against its own OpenAPI description."""
import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate

from tests.test_plan_seed import expected_goals


@pytest.fixture
def openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    return OpenAPI.from_dict(document)


def checked(client, openapi, url):
    """GET url and validate the answer against the OpenAPI document."""
    response = client.get(url)
    request = WerkzeugOpenAPIRequest(response.request)
    openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
    return response


def test_openapi_document_is_valid_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.content_type == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_plan_holds_every_goal_in_document_order(client, openapi):
    response = checked(client, openapi, "/api/v1/plan")
    assert response.content_type == "application/json"
    document = response.get_json()
    assert document["plan"]["title"] == "PLAN DE GOBIERNO 2019 - 2022"
    assert (document["plan"]["period_start"], document["plan"]["period_end"]) == (2019, 2022)
    goals = [(g["code"], g["target"], g["kind"], g["text"])
             for d in document["dimensions"] for p in d["problems"]
             for o in p["objectives"] for g in o["goals"]]
    assert goals == expected_goals()
    assert [d["name"] for d in document["dimensions"]] == [
        "Social", "Económica", "Ambiental", "Institucional"]


def test_one_goal_with_its_context(client, openapi):
    document = checked(client, openapi, "/api/v1/goals/S7.6").get_json()
    assert document["code"] == "S7.6"
    assert document["target"] == 5
    assert document["kind"] == "proyecto"
    assert document["dimension"] == {"code": "S", "name": "Social"}
    assert document["objective"]["code"] == "S7"
    assert document["problem"]["text"].startswith("Los servicios de salud")
    assert document["url"].endswith("/metas/S7.6")


def test_a_goal_without_target_has_null(client, openapi):
    assert checked(client, openapi, "/api/v1/goals/S3.2").get_json()["target"] is None


def test_an_unknown_goal_is_a_json_404_in_the_readers_language(client, english, openapi):
    response = checked(client, openapi, "/api/v1/goals/Z9.9")
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.get_json() == {"error": {
        "status": 404, "message": "There is no goal with the code Z9.9."}}


def test_an_unknown_goal_in_spanish(client):
    assert client.get("/api/v1/goals/Z9.9").get_json()["error"]["message"] == \
        "No hay ninguna meta con el código Z9.9."


def test_the_api_page_describes_fields_with_a_real_example(client):
    response = client.get("/api")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "API de datos abiertos" in html
    assert "/api/v1/openapi.json" in html
    assert "&#34;code&#34;: &#34;S7.6&#34;" in html or '"code": "S7.6"' in html


def test_no_personal_data_in_any_answer(client):
    for url in ("/api/v1/plan", "/api/v1/goals/S7.6", "/api/v1/openapi.json"):
        body = client.get(url).get_data(as_text=True)
        assert "@" not in body


def test_a_goal_with_corrected_reports_matches_the_description(app, client, openapi, make_user):
    from decimal import Decimal

    from models import User, db
    from portal.services.plan import goal_by_code
    from portal.services.reports import ReportInput, publish

    official_id, _ = make_user("official")
    with app.test_request_context():
        official = db.session.get(User, official_id)
        goal = goal_by_code("S7.6")
        publish(official, goal, "2021-T2", ReportInput(
            "en_ejecucion", Decimal("20"), 1, "Uno ampliado.", ("Informe 1",), None,
            Decimal("100.50"), None, "2345678"))
        publish(official, goal, "2021-T3", ReportInput(
            "paralizada", Decimal("30"), 1, "Obra detenida.", (), "Sin presupuesto"))
        publish(official, goal, "2021-T3", ReportInput(
            "paralizada", Decimal("35"), 1, "Obra detenida.", (), "Sin presupuesto"),
            reason="Avance recalculado")
        db.session.commit()
    document = checked(client, openapi, "/api/v1/goals/S7.6").get_json()
    assert [r["quarter"] for r in document["reports"]] == ["2021-T3", "2021-T2"]
    assert document["latest"]["status"] == "paralizada"
    assert document["reports"][0]["revisions"][0]["reason"] is None


def test_ratings_and_observations_match_the_description(app, client, openapi, make_user):
    from models import User, db
    from portal.services.feedback import post_comment
    from portal.services.observations import post_observation, respond
    from portal.services.ratings import rate
    from portal.services.plan import goal_by_code

    resident_id, _ = make_user()
    member_id, _ = make_user("moderator", committees=("COPALE",))
    official_id, _ = make_user("official")
    with app.test_request_context():
        goal = goal_by_code("S4.1")
        resident = db.session.get(User, resident_id)
        rate(resident, goal, 4)
        post_comment(resident, goal, "Bien.", 4)
        answered = post_observation(db.session.get(User, member_id), goal, "COPALE",
                                    "recomendacion", "Publiquen el cronograma.",
                                    "https://example.org/acta")
        post_observation(db.session.get(User, member_id), goal, "COPALE", "alerta",
                         "Sin avances.", None)
        respond(db.session.get(User, official_id), answered, "Se publicará en marzo.")
        db.session.commit()
    document = checked(client, openapi, "/api/v1/goals/S4.1").get_json()
    assert document["ratings"]["count"] == 1 and document["comment_count"] == 1
    assert sorted(o["kind"] for o in document["observations"]) == ["alerta", "recomendacion"]
    answered_doc = next(o for o in document["observations"] if o["kind"] == "recomendacion")
    assert answered_doc["response"]["body"] == "Se publicará en marzo."
