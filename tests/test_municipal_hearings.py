"""Each municipality's public hearings: its office schedules and answers them under its own
address, residents ask there, and those told are led back to it."""
import pytest

from tests.conftest import text_of
from tests.test_hearings import hearing_id, local, question_id
from tests.test_thread import browser

HEARING = {"place": "Salón comunal de Pacocha", "first_quarter": "2027-T1",
           "last_quarter": "2027-T1"}


def schedule_in_pacocha(client):
    return client.post("/m/pacocha/audiencias/nueva", data=HEARING | {
        "held_at": local(140), "questions_until": local(130, 18)})  # 2027-T1 over by then


@pytest.fixture
def pacocha_office(app, make_user):
    return browser(app, make_user("official", municipality="pacocha"), "official")


def test_a_municipalitys_office_schedules_its_own_hearings(app, make_user, pacocha_office):
    ilo_office = browser(app, make_user("official"), "official")
    assert ilo_office.get("/m/pacocha/audiencias/nueva").status_code == 403
    assert schedule_in_pacocha(ilo_office).status_code == 403
    assert pacocha_office.get("/audiencias/nueva").status_code == 403

    form = pacocha_office.get("/m/pacocha/audiencias/nueva")
    assert form.status_code == 200 and "2027-T1" in text_of(form)  # Pacocha's term
    response = schedule_in_pacocha(pacocha_office)
    assert response.status_code == 302
    hearing = hearing_id(app)
    assert response.headers["Location"] == f"/m/pacocha/audiencias/{hearing}"

    visitor = app.test_client()
    assert "Salón comunal de Pacocha" in text_of(visitor.get("/m/pacocha/audiencias"))
    assert "Salón comunal de Pacocha" not in text_of(visitor.get("/audiencias"))
    assert visitor.get(f"/m/pacocha/audiencias/{hearing}").status_code == 200
    # Another municipality's hearing is not at Ilo's addresses.
    assert visitor.get(f"/audiencias/{hearing}").status_code == 404
    assert visitor.get(f"/m/ilo/audiencias/{hearing}").status_code == 404
    home = visitor.get("/m/pacocha/").get_data(as_text=True)
    assert f'href="/m/pacocha/audiencias/{hearing}"' in home


def test_residents_ask_there_and_are_told_with_its_address(app, make_user, pacocha_office):
    schedule_in_pacocha(pacocha_office)
    hearing = hearing_id(app)
    asker = browser(app, make_user(), "resident")
    asked = asker.post(f"/m/pacocha/audiencias/{hearing}/preguntas",
                       data={"body": "¿Cuándo empiezan las campañas?", "goal": "S1.3"})
    assert asked.status_code == 302
    question = question_id(app, "¿Cuándo empiezan las campañas?")
    ilo_office = browser(app, make_user("official"), "official")
    assert ilo_office.post(f"/m/pacocha/preguntas/{question}/respuesta",
                           data={"body": "No es nuestra."}).status_code == 403
    assert pacocha_office.post(f"/m/pacocha/preguntas/{question}/respuesta",
                               data={"body": "En abril."}).status_code == 302
    assert "En abril." in text_of(app.test_client().get(f"/m/pacocha/audiencias/{hearing}"))
    inbox = asker.get("/notificaciones").get_data(as_text=True)
    assert f"/m/pacocha/audiencias/{hearing}#pregunta-{question}" in inbox
