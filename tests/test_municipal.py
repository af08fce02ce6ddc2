"""Two municipalities in one portal: Ilo at the addresses it always had, and a second one (a
JNE file labelled as a demonstration, tests/data) under /m/pacocha/…."""
import re

import pytest

from app import create_app
from models import db
from tests.conftest import PASSWORDS, sign_in, text_of

PACOCHA_GOAL = "03 Campañas de salud al año en los asentamientos humanos del distrito"
ILO_GOAL_S7_6 = "Proyectos de inversión para ampliación y equipamiento del puestos de salud"


def links(response):
    return re.findall(r'href="(/[^"]*)"', response.get_data(as_text=True))


def test_a_municipality_has_its_plan_under_its_address(client):
    response = client.get("/m/pacocha/metas/S1.3")
    page = text_of(response)
    assert PACOCHA_GOAL in page
    assert "Municipalidad Distrital de Pacocha - Ilo, Moquegua" in page
    # Every page of it says whose it is, above its content, linked to its home.
    assert ('<p class="municipality-bar"><span class="wrap"><a href="/m/pacocha/">'
            'Municipalidad Distrital de Pacocha - Ilo, Moquegua</a>') in response.get_data(
        as_text=True)
    assert "municipality-bar" not in client.get("/metas/S1.3").get_data(as_text=True)
    # Its ubigeo is an address of it too.
    assert PACOCHA_GOAL in text_of(client.get("/m/180303/metas/S1.3"))
    # The same code at the bare address is Ilo's goal, as before.
    bare = text_of(client.get("/metas/S1.3"))
    assert PACOCHA_GOAL not in bare and "ILO - MOQUEGUA" in bare


def test_every_link_of_a_municipalitys_pages_keeps_it(client):
    for path in ("/m/pacocha/", "/m/pacocha/dimensiones/S", "/m/pacocha/metas/S1.1"):
        response = client.get(path)
        assert response.status_code == 200, path
        bare = [href for href in links(response)
                if re.match(r"/(metas|objetivos|dimensiones|periodos|api/v1/goals)/", href)]
        assert not bare, (path, bare)
        assert any(href.startswith("/m/pacocha/") for href in links(response)), path
    home = client.get("/m/pacocha/").get_data(as_text=True)
    assert 'href="/m/pacocha/metas/S1.1"' in home
    assert 'href="/m/pacocha/dimensiones/E"' in home


def test_the_first_municipality_keeps_its_bare_addresses_and_has_one_under_m(client):
    assert ILO_GOAL_S7_6 in text_of(client.get("/metas/S7.6"))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/metas/S7.6"' in home and "/m/" not in home.split("<footer")[0]
    under_m = client.get("/m/ilo/metas/S7.6")
    assert ILO_GOAL_S7_6 in text_of(under_m)
    assert 'href="/m/ilo/dimensiones/S"' in under_m.get_data(as_text=True)
    assert client.get("/m/ilo/periodos/2019-2022/metas/S7.6").status_code == 200


def test_unknown_municipalities_terms_and_plans_not_loaded_are_not_found(client):
    assert client.get("/m/no-existe/metas/S1.1").status_code == 404
    # Pacocha has no 2019-2022 plan; El Algarrobal has no plan at all.
    assert client.get("/m/pacocha/periodos/2019-2022/metas/S1.1").status_code == 404
    response = client.get("/m/el-algarrobal/")
    assert response.status_code == 404
    assert "no ha sido cargado" in text_of(response)


def test_the_api_open_data_and_feed_of_a_municipality_are_its_own(client):
    goal = client.get("/m/pacocha/api/v1/goals/S1.2").get_json()
    assert goal["url"].endswith("/m/pacocha/metas/S1.2")
    assert goal["indicator"] == "Número de puestos de salud equipados"
    assert client.get("/api/v1/goals/S1.2").get_json()["indicator"] is None
    rows = client.get("/m/pacocha/datos/metas.csv").get_data(as_text=True).splitlines()
    assert len(rows) == 1 + 10
    assert all("[Demostración]" in row for row in rows[1:])
    feed = client.get("/m/pacocha/feed.atom").get_data(as_text=True)
    assert "Pacocha" in feed


def test_a_comment_in_one_municipality_never_shows_in_the_other(app, make_user):
    visitor = app.test_client()
    for path in ("/metas/S1.1", "/m/pacocha/metas/S1.1", "/m/ilo/metas/S1.1"):
        visitor.get(path)  # kept in the cache
    resident = app.test_client()
    sign_in(app, resident, make_user()[1], "resident")
    response = resident.post("/m/pacocha/metas/S1.1/comentarios",
                             data={"body": "Comentario solo para Pacocha."})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/m/pacocha/metas/S1.1")
    assert "Comentario solo para Pacocha." in text_of(visitor.get("/m/pacocha/metas/S1.1"))
    for path in ("/metas/S1.1", "/m/ilo/metas/S1.1"):
        assert "Comentario solo para Pacocha." not in text_of(visitor.get(path)), path


ILO_PAGES = ("/metas/S1.1", "/m/ilo/metas/S1.1", "/m/180301/metas/S1.1", "/", "/m/ilo/",
             "/respuestas")
PACOCHA_PAGES = ("/m/pacocha/metas/S1.1", "/m/180303/metas/S1.1", "/m/pacocha/",
                 "/m/pacocha/respuestas")
NATIONAL_PAGES = ("/municipalidades", "/municipalidades/metas?q=salud",
                  "/municipalidades/respuestas")


def kept(client, paths):
    """Each page asked for twice: from the cache the second time."""
    for path in paths:
        client.get(path)
        assert client.get(path).headers["X-Cache"] == "hit", path


def test_a_write_in_one_municipality_never_evicts_anothers_pages(app, make_user):
    """Cache versions are each municipality's: a rating and a comment in Pacocha draw
    Pacocha's pages (under either address) again, and leave every page of Ilo and the
    national pages (which show neither) in the cache; and the other way round."""
    visitor = app.test_client()
    kept(visitor, ILO_PAGES + PACOCHA_PAGES + NATIONAL_PAGES)
    resident = app.test_client()
    sign_in(app, resident, make_user()[1], "resident")
    assert resident.post("/m/pacocha/metas/S1.1/calificacion",
                         data={"stars": "4"}).status_code == 302
    assert resident.post("/m/pacocha/metas/S1.1/comentarios",
                         data={"body": "Solo en Pacocha."}).status_code == 302
    for path in ILO_PAGES:
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    for path in NATIONAL_PAGES:
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    for path in ("/m/pacocha/metas/S1.1", "/m/180303/metas/S1.1"):
        page = visitor.get(path)
        assert page.headers["X-Cache"] == "miss", path
    assert "Solo en Pacocha." in text_of(visitor.get("/m/180303/metas/S1.1"))

    kept(visitor, PACOCHA_PAGES + NATIONAL_PAGES)
    assert resident.post("/metas/S1.1/comentarios",
                         data={"body": "Solo en Ilo."}).status_code == 302
    for path in PACOCHA_PAGES:
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    for path in ("/metas/S1.1", "/m/ilo/metas/S1.1", "/m/180301/metas/S1.1"):
        assert visitor.get(path).headers["X-Cache"] == "miss", path
    assert "Solo en Ilo." in text_of(visitor.get("/m/180301/metas/S1.1"))


def test_a_report_in_one_municipality_draws_its_pages_and_the_national_ones(app, make_user):
    from tests.test_notifications import publish
    from tests.test_thread import browser

    visitor = app.test_client()
    kept(visitor, ILO_PAGES + PACOCHA_PAGES + NATIONAL_PAGES)
    office = browser(app, make_user("official", municipality="pacocha"), "official")
    response = office.post("/m/pacocha/metas/S1.1/reportes/nuevo", data={
        "quarter": "2027-T1", "status": "en_ejecucion", "progress_pct": "10",
        "narrative": "Avance de Pacocha."})
    assert response.status_code == 302
    for path in ILO_PAGES:
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    for path in ("/m/pacocha/metas/S1.1", "/m/180303/metas/S1.1", "/m/pacocha/",
                 "/municipalidades", "/municipalidades/metas?q=salud"):
        assert visitor.get(path).headers["X-Cache"] == "miss", path
    assert "Avance de Pacocha." in text_of(visitor.get("/m/pacocha/metas/S1.1"))

    kept(visitor, PACOCHA_PAGES + NATIONAL_PAGES + ("/metas/S7.6", "/m/180301/metas/S7.6"))
    publish(app, browser(app, make_user("official"), "official"))  # Ilo's S7.6
    for path in PACOCHA_PAGES:
        assert visitor.get(path).headers["X-Cache"] == "hit", path
    for path in ("/", "/m/ilo/", "/metas/S7.6", "/m/180301/metas/S7.6", "/municipalidades"):
        assert visitor.get(path).headers["X-Cache"] == "miss", path


def test_the_first_municipalitys_office_is_refused_in_another(app, make_user):
    official = app.test_client()
    sign_in(app, official, make_user("official")[1], "official")
    assert official.get("/m/pacocha/metas/S1.1/reportes/nuevo").status_code == 403
    response = official.post("/m/pacocha/metas/S1.1/reportes/nuevo", data={
        "quarter": "2027-T1", "status": "en_ejecucion", "progress_pct": "10",
        "narrative": "No debe publicarse."})
    assert response.status_code == 403
    assert "No debe publicarse." not in text_of(app.test_client().get("/m/pacocha/metas/S1.1"))
    # At home, the same account publishes as before.
    assert official.get("/metas/S7.6/reportes/nuevo").status_code == 200
    assert "Publicar un reporte" in text_of(official.get("/metas/S7.6"))
    assert "Publicar un reporte" not in text_of(official.get("/m/pacocha/metas/S1.1"))


def test_a_municipalitys_pages_link_to_its_own_committees_hearings_and_places(client):
    first, other = client.get("/metas/S1.1"), client.get("/m/pacocha/metas/S1.1")
    for href in ("/comites/", "/audiencias", "/lugares", "/moderacion/registro"):
        assert f'href="{href}"' in first.get_data(as_text=True), href
        assert f'href="/m/pacocha{href}"' in other.get_data(as_text=True), href


def test_one_account_follows_and_is_told_in_both_municipalities(app, make_user):
    from tests.test_notifications import publish
    from tests.test_thread import browser, comment_id

    resident = make_user(name="Vecina Ana")
    client = browser(app, resident, "resident")
    assert client.post("/seguir/goal/S7.6").status_code == 302
    assert client.post("/m/pacocha/seguir/goal/S1.1").status_code == 302
    assert client.post("/m/pacocha/seguir/objective/S1").status_code == 302
    assert client.post("/m/pacocha/seguir/dimension/E").status_code == 302
    follows = client.get("/cuenta/seguimientos").get_data(as_text=True)
    assert 'href="/metas/S7.6"' in follows and 'href="/m/pacocha/metas/S1.1"' in follows
    assert 'href="/m/pacocha/objetivos/S1"' in follows
    assert 'href="/m/pacocha/dimensiones/E"' in follows

    publish(app, browser(app, make_user("official"), "official"))
    client.post("/m/pacocha/metas/S1.1/comentarios", data={"body": "¿Cuándo llegan los equipos?"})
    first = comment_id(app, "¿Cuándo llegan los equipos?")
    other = browser(app, make_user(name="Vecino Luis"), "resident")
    other.post(f"/comentarios/{first}/responder", data={"body": "En marzo, dicen."})

    inbox = client.get("/notificaciones")
    text = text_of(inbox)
    assert "Meta S7.6: la municipalidad publicó su reporte de 2021-T3" in text
    assert ("Meta S1.1 · Municipalidad Distrital de Pacocha: Vecino Luis respondió a su "
            "comentario.") in text
    html = inbox.get_data(as_text=True)
    assert 'href="/m/pacocha/metas/S1.1#comentario-' in html
    assert 'href="/metas/S7.6#reportes"' in html


DEMONSTRATION = "Plan de demostración."


def test_a_demonstration_plan_says_so_on_its_pages_and_in_the_national_listings(client):
    # Pacocha's plan in the tests is a demonstration (its election and party say so); every
    # page of it says so, those loading its plan and those that do not.
    for path in ("/m/pacocha/", "/m/pacocha/metas/S1.1", "/m/pacocha/objetivos/S1",
                 "/m/pacocha/respuestas", "/m/pacocha/comites/", "/m/180303/metas/S1.1"):
        assert DEMONSTRATION in text_of(client.get(path)), path
    for path in ("/", "/metas/S7.6", "/m/ilo/metas/S7.6", "/m/ilo/respuestas"):
        assert DEMONSTRATION not in text_of(client.get(path)), path
    listed = client.get("/municipalidades").get_data(as_text=True)
    pacocha = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/m/pacocha/\">.*?</tr>", listed, re.S)
    ilo = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/\">.*?</tr>", listed, re.S)
    assert "plan de demostración" in pacocha.group(0) and "demostración" not in ilo.group(0)
    found = text_of(client.get("/municipalidades/metas?q=puestos+de+salud"))
    assert "Pacocha" in found and "plan de demostración" in found
    assert "plan de demostración" in text_of(client.get("/municipalidades/respuestas"))
    assert client.get("/m/pacocha/api/v1/plan").get_json()["plan"]["demonstration"] is True
    assert client.get("/api/v1/plan").get_json()["plan"]["demonstration"] is False
    assert client.get("/m/pacocha/api/v1/goals/S1.1").get_json()["plan"]["demonstration"]


@pytest.fixture
def bound(migrated_app):
    """A second app on the suite's database: bound to Pacocha, and a host that selects it."""
    def make(**settings):
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=migrated_app.config[
            "SQLALCHEMY_DATABASE_URI"], **settings)
        made.append(app)
        return app
    made = []
    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_a_deployment_bound_to_a_municipality_serves_it_alone_at_bare_addresses(bound):
    client = bound(MUNICIPALITY="pacocha").test_client()
    goal = client.get("/metas/S1.3")
    assert PACOCHA_GOAL in text_of(goal)
    assert "/m/" not in goal.get_data(as_text=True)
    assert 'href="/municipalidades"' not in goal.get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/metas/S1.1"' in home and "Pacocha" in home
    for elsewhere in ("/m/ilo/", "/m/pacocha/metas/S1.3", "/municipalidades", "/comites/CMS",
                      "/lugares/el-algarrobal"):
        assert client.get(elsewhere).status_code == 404, elsewhere
    # Its committees, hearings and places are its own (none yet): Ilo's are not.
    assert "CMS" not in text_of(client.get("/comites/"))
    assert "Zepita" not in text_of(client.get("/audiencias"))
    assert "El Algarrobal" not in text_of(client.get("/lugares"))
    assert client.get("/metas/S7.6").status_code == 404  # Ilo's goal is not Pacocha's
    # Its ubigeo binds it too.
    assert PACOCHA_GOAL in text_of(bound(MUNICIPALITY="180303").test_client().get("/metas/S1.3"))


def test_a_bound_deployment_keeps_its_pages_under_its_municipalitys_versions(bound):
    """Bare addresses of a deployment bound to Pacocha are Pacocha's pages: drawn again
    after a change there, kept through one in Ilo. (Versions bumped as a write's commit
    bumps them; the suite's database is shared, and only versions are written.)"""
    from models.cache import addresses_of_plan, note_change, thread_scope
    from models import Plan

    app = bound(MUNICIPALITY="pacocha")
    client = app.test_client()

    def bump(address):  # None: Ilo's, at bare addresses
        with app.app_context():
            plan = db.session.scalar(db.select(Plan).where(
                Plan.address_municipality.is_(address) if address is None
                else Plan.address_municipality == address).order_by(Plan.id))
            note_change(db.session, thread_scope("S1.1"),
                        wheres=addresses_of_plan(db.session, plan.id))
            db.session.commit()

    client.get("/metas/S1.1")
    assert client.get("/metas/S1.1").headers["X-Cache"] == "hit"
    bump(None)
    assert client.get("/metas/S1.1").headers["X-Cache"] == "hit"
    bump("pacocha")
    assert client.get("/metas/S1.1").headers["X-Cache"] == "miss"


def test_a_host_name_selects_a_municipality(bound):
    app = bound(MUNICIPALITY_HOSTS={"rendicion.pacocha.example": "pacocha"})
    client = app.test_client()
    pacocha = client.get("/metas/S1.3", base_url="https://rendicion.pacocha.example")
    assert PACOCHA_GOAL in text_of(pacocha)
    assert client.get("/municipalidades",
                      base_url="https://rendicion.pacocha.example").status_code == 404
    # Any other host is the national portal, Ilo at its bare addresses.
    assert ILO_GOAL_S7_6 in text_of(client.get("/metas/S7.6"))
    assert 'href="/municipalidades"' in client.get("/metas/S7.6").get_data(as_text=True)
    assert PACOCHA_GOAL in text_of(client.get("/m/pacocha/metas/S1.3"))
    assert client.get("/municipalidades").status_code == 200


def test_a_host_bound_to_one_municipality_links_the_others_where_they_are_served(app,
                                                                                 make_user,
                                                                                 bound):
    from tests.test_thread import browser
    resident = make_user(name="Vecina Ana")
    national = browser(app, resident, "resident")
    national.post("/seguir/goal/S7.6")
    national.post("/m/pacocha/seguir/goal/S1.1")

    def follows(deployment, base_url="http://localhost"):
        client = deployment.test_client()
        client.post("/entrar", base_url=base_url,
                    data={"email": resident[1], "password": PASSWORDS["resident"]})
        return client.get("/cuenta/seguimientos", base_url=base_url).get_data(as_text=True)

    hosts = {"rendicion.pacocha.example": "pacocha"}
    portal = bound(MUNICIPALITY_HOSTS=hosts, PORTAL_URL="https://rendicion.example.pe")
    # Pacocha's host serves Pacocha at bare addresses; Ilo is on the national portal.
    there = follows(portal, "https://rendicion.pacocha.example")
    assert 'href="/metas/S1.1"' in there
    assert 'href="https://rendicion.example.pe/metas/S7.6"' in there
    # The national host keeps both in itself.
    national_page = follows(portal)
    assert 'href="/metas/S7.6"' in national_page
    assert 'href="/m/pacocha/metas/S1.1"' in national_page
    # A deployment bound to Ilo sends Pacocha's goal to the host bound to Pacocha …
    ilo = follows(bound(MUNICIPALITY="ilo", MUNICIPALITY_HOSTS=hosts))
    assert 'href="/metas/S7.6"' in ilo
    assert 'href="http://rendicion.pacocha.example/metas/S1.1"' in ilo
    # … and, knowing no portal that serves Pacocha, to an address it does not serve, never
    # to its own S1.1.
    alone = bound(MUNICIPALITY="ilo")
    assert 'href="/m/pacocha/metas/S1.1"' in follows(alone)
    assert alone.test_client().get("/m/pacocha/metas/S1.1").status_code == 404


def test_the_second_municipalitys_office_publishes_there_and_its_followers_are_told(app,
                                                                                    make_user):
    from tests.test_thread import browser

    follower = browser(app, make_user(), "resident")
    follower.post("/m/pacocha/seguir/goal/S1.1")
    office = browser(app, make_user("official", municipality="pacocha"), "official")
    response = office.post("/m/pacocha/metas/S1.1/reportes/nuevo", data={
        "quarter": "2027-T1", "status": "en_ejecucion", "progress_pct": "15",
        "narrative": "Equipos en camino."})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/m/pacocha/metas/S1.1")
    assert "Equipos en camino." in text_of(app.test_client().get("/m/pacocha/metas/S1.1"))
    assert "Equipos en camino." not in text_of(app.test_client().get("/metas/S1.1"))
    assert ("Meta S1.1 · Municipalidad Distrital de Pacocha: la municipalidad publicó su "
            "reporte de 2027-T1") in text_of(follower.get("/notificaciones"))
    # At Ilo's goals the same office is refused.
    assert office.get("/metas/S7.6/reportes/nuevo").status_code == 403
    assert office.get("/m/ilo/metas/S7.6/reportes/nuevo").status_code == 403
