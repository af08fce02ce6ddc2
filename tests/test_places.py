"""Places: the districts and the places the plan names, what is promised and reported there,
the admin's list, and the places as GeoJSON."""
import re

from tests.conftest import text_of
from tests.test_thread import browser


def test_the_districts_and_the_places_the_plan_names_are_loaded(app):
    client = app.test_client()
    listing = text_of(client.get("/lugares"))
    for name in ("Ilo", "El Algarrobal", "Pacocha", "Lomas de Ilo", "Puerto de Ilo",
                 "Valle de Ilo"):
        assert name in listing
    place = text_of(client.get("/lugares/lomas-de-ilo"))
    assert "Meta E3.1 01 Proyecto de irrigación lomas de Ilo" in place
    assert "Ningún reporte dice aún que su obra se hizo aquí." in place
    assert "Lugares Lomas de Ilo" in text_of(client.get("/metas/E3.1"))
    assert client.get("/lugares/atlantida").status_code == 404


def test_an_admin_adds_and_renames_places_and_names_their_goals(app, make_user):
    admin = browser(app, make_user("admin"), "admin")
    listing = admin.get("/admin/lugares").get_data(as_text=True)
    assert 'value="E5.1 E5.2"' in listing and 'value="Puerto de Ilo"' in listing
    added = admin.post("/admin/lugares", data={
        "nuevo-name": "Centro poblado Pampa Inalámbrica", "nuevo-kind": "centro_poblado",
        "nuevo-latitude": "-17.6394", "nuevo-longitude": "-71.3375", "nuevo-goals": "s7.6, E6.1"})
    assert added.status_code == 302
    page = text_of(app.test_client().get("/lugares/centro-poblado-pampa-inalambrica"))
    assert "Meta E6.1" in page and "Meta S7.6" in page and "en un mapa" in page
    renamed = admin.post("/admin/lugares/centro-poblado-pampa-inalambrica", data={
        "centro-poblado-pampa-inalambrica-name": "Pampa Inalámbrica",
        "centro-poblado-pampa-inalambrica-latitude": "-17.64",
        "centro-poblado-pampa-inalambrica-longitude": "-71.34",
        "centro-poblado-pampa-inalambrica-goals": "S7.6"})
    assert renamed.status_code == 302
    page = text_of(app.test_client().get("/lugares/centro-poblado-pampa-inalambrica"))
    assert page.startswith("Pampa Inalámbrica") and "Meta E6.1" not in page
    assert "Pampa Inalámbrica" in text_of(app.test_client().get("/metas/S7.6"))
    half = admin.post("/admin/lugares", data={"nuevo-name": "Sector Norte",
                                              "nuevo-kind": "sector", "nuevo-latitude": "-17"})
    assert half.status_code == 400 and "Indique la latitud y la longitud, o ninguna." in \
        text_of(half)
    unknown = admin.post("/admin/lugares", data={"nuevo-name": "Sector Sur",
                                                 "nuevo-kind": "sector", "nuevo-goals": "Z9.9"})
    assert unknown.status_code == 400 and "Z9.9" in text_of(unknown)
    assert app.test_client().get("/lugares/sector-sur").status_code == 404
    document = app.test_client().get("/datos/lugares.geojson").get_json()
    assert document["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in document["features"]}
    assert features["centro-poblado-pampa-inalambrica"]["geometry"] == {
        "type": "Point", "coordinates": [-71.34, -17.64]}
    assert features["pacocha"]["geometry"]["type"] == "Point"  # INEI's register's
    assert features["lomas-de-ilo"]["geometry"] is None  # until an admin gives it one
    assert features["puerto-de-ilo"]["properties"]["goals"] == ["E5.1", "E5.2"]


def test_a_report_names_where_its_work_happened(app, make_user):
    official = browser(app, make_user("official"), "official")
    assert official.post("/metas/E3.1/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "25",
        "narrative": "Canal de riego en construcción.",
        "places": ["lomas-de-ilo", "el-algarrobal"]}).status_code == 302
    page = text_of(app.test_client().get("/lugares/el-algarrobal"))
    assert "Meta E3.1, 2021-T3" in page and "Canal de riego en construcción." in page
    where = text_of(app.test_client().get("/metas/E3.1")).split("Dónde:")[1][:40]
    assert "El Algarrobal" in where and "Lomas de Ilo" in where
    form = official.get("/metas/E3.1/reportes/2021-T3/corregir").get_data(as_text=True)
    assert 'value="lomas-de-ilo" checked' in form or 'checked value="lomas-de-ilo"' in form or \
        'id="places-' in form


def test_search_and_downloads_filter_by_place(app):
    client = app.test_client()
    found = text_of(client.get("/buscar?lugar=puerto-de-ilo"))
    assert "2 metas conciernen a Puerto de Ilo." in found
    assert "E5.1" in found and "E5.2" in found and "S7.6" not in found
    both = text_of(client.get("/buscar?q=puerto&lugar=valle-de-ilo"))
    assert "0 metas encontradas" in both
    rows = client.get("/datos/metas.csv?lugar=puerto-de-ilo").get_data(as_text=True).splitlines()
    assert [row.split(",")[1] for row in rows[1:]] == ["E5.1", "E5.2"]
    assert client.get("/datos/metas.csv?lugar=atlantida").status_code == 404


def test_a_photo_names_where_it_was_taken(app, make_user, tmp_path, monkeypatch):
    import io

    from tests.test_evidence import photo
    monkeypatch.setitem(app.config, "FILES_ROOT", str(tmp_path))
    official = browser(app, make_user("official"), "official")
    official.post("/metas/A1.1/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "25",
        "narrative": "Estudio de riego en curso."})
    assert official.post("/metas/A1.1/reportes/2021-T3/evidencia", data={
        "file": (io.BytesIO(photo(gps=False)), "valle.jpg"), "caption": "Parcelas del valle",
        "taken_on": "2021-08-01", "places": ["valle-de-ilo"]},
        content_type="multipart/form-data").status_code == 302
    page = text_of(app.test_client().get("/lugares/valle-de-ilo"))
    assert "Fotos y documentos tomados aquí" in page and "Parcelas del valle" in page


def test_the_home_page_leads_to_the_goals_of_a_place(app):
    home = app.test_client().get("/").get_data(as_text=True)
    assert 'action="/buscar"' in home and 'name="lugar"' in home
    assert '<option value="lomas-de-ilo">Lomas de Ilo</option>' in home


def test_the_places_page_reads_their_goals_and_progress_in_one_statement_each(app):
    from tests.test_thread import goal_page_queries, selects

    statements = selects(goal_page_queries(app, app.test_client(), "/lugares"))
    # The versions, the places, their goals, and those goals' latest progress.
    assert len(statements) <= 4, "\n".join(statements)


def test_the_places_are_drawn_on_a_map_coloured_by_their_goals_progress(app, make_user):
    from models import db
    from portal.services.places import place_by_slug
    from portal.services.plan import goal_by_code
    from tests.test_notifications import publish

    page = app.test_client().get("/lugares")
    svg = re.search(r'<svg class="map" role="img".*?</svg>', page.get_data(as_text=True),
                    re.S).group(0)
    assert "3 de 6 lugares dibujados en su punto" in svg  # the three districts
    assert svg.count("h0") == 3 and 'class="map-none"' in svg  # the plan names none of them
    with app.app_context():
        district = place_by_slug("el-algarrobal")
        district.goals.append(goal_by_code("S7.6"))
        db.session.commit()
    publish(app, browser(app, make_user("official"), "official"), progress_pct="80")
    page = app.test_client().get("/lugares")
    assert "El Algarrobal · Distrito · 1 meta · 80 % de avance" in text_of(page)
    svg = re.search(r'<svg class="map".*?</svg>', page.get_data(as_text=True), re.S).group(0)
    assert re.search(r'class="map-p75" stroke-width="\d+" d="M[\d.]+ [\d.]+h0"', svg)
