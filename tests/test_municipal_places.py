"""Each municipality's places: its admins add them and name its goals in them; its pages,
map, search and report forms offer its places alone."""
import pytest

from models import Place
from tests.conftest import count, text_of
from tests.test_thread import browser

PLACE = {"nuevo-name": "Playa Pocoma", "nuevo-kind": "lugar", "nuevo-latitude": "-17.66",
         "nuevo-longitude": "-71.36", "nuevo-goals": "S1.1 S1.3"}


@pytest.fixture
def pacocha_admin(app, make_user):
    return browser(app, make_user("admin", municipality="pacocha"), "admin")


def test_an_admin_adds_a_place_of_their_municipality(app, make_user, pacocha_admin):
    response = pacocha_admin.post("/m/pacocha/admin/lugares", data=PLACE)
    assert response.status_code == 302
    visitor = app.test_client()
    places = text_of(visitor.get("/m/pacocha/lugares"))
    assert "Playa Pocoma" in places and "El Algarrobal" not in places
    assert "Playa Pocoma" not in text_of(visitor.get("/lugares"))
    page = text_of(visitor.get("/m/pacocha/lugares/playa-pocoma"))
    assert "S1.1" in page and "S1.3" in page
    assert visitor.get("/lugares/playa-pocoma").status_code == 404
    assert "Playa Pocoma" in text_of(visitor.get("/m/pacocha/metas/S1.1"))
    found = text_of(visitor.get("/m/pacocha/buscar?lugar=playa-pocoma"))
    assert "S1.1" in found and "S1.2" not in found
    geojson = visitor.get("/m/pacocha/datos/lugares.geojson").get_json()
    assert [feature["id"] for feature in geojson["features"]] == ["playa-pocoma"]
    # An address Ilo's places use is free in Pacocha: a place's address is its municipality's.
    assert pacocha_admin.post("/m/pacocha/admin/lugares", data=PLACE | {
        "nuevo-name": "Pacocha", "nuevo-kind": "distrito", "nuevo-goals": ""}).status_code == 302
    assert count(app, Place, slug="pacocha") == 2
    # The office names Pacocha's places where work happened.
    office = browser(app, make_user("official", municipality="pacocha"), "official")
    form = office.get("/m/pacocha/metas/S1.1/reportes/nuevo").get_data(as_text=True)
    assert 'value="playa-pocoma"' in form and 'value="lomas-de-ilo"' not in form


def test_only_its_goals_and_its_admins(app, make_user, pacocha_admin):
    refused = pacocha_admin.post("/m/pacocha/admin/lugares", data=PLACE | {
        "nuevo-goals": "S7.6"})  # Ilo's goal, not Pacocha's
    assert refused.status_code == 400
    assert "No hay ninguna meta con el código S7.6." in text_of(refused)
    assert count(app, Place, slug="playa-pocoma") == 0
    ilo_admin = browser(app, make_user("admin"), "admin")
    assert ilo_admin.post("/m/pacocha/admin/lugares", data=PLACE).status_code == 403
    assert pacocha_admin.post("/admin/lugares", data=PLACE).status_code == 403
    assert pacocha_admin.post("/admin/lugares/pacocha", data={
        "pacocha-name": "Otro nombre"}).status_code == 403


def test_a_place_in_one_municipality_leaves_anothers_pages_in_the_cache(app, pacocha_admin):
    visitor = app.test_client()
    for path in ("/metas/S1.1", "/lugares", "/m/pacocha/metas/S1.1"):
        visitor.get(path)
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    pacocha_admin.post("/m/pacocha/admin/lugares", data=PLACE)
    assert visitor.get("/metas/S1.1").headers["X-Cache"] == "hit"
    assert visitor.get("/lugares").headers["X-Cache"] == "hit"
    assert visitor.get("/m/pacocha/metas/S1.1").headers["X-Cache"] == "miss"
