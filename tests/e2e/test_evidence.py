"""Show the works: the office's photos under its report, on a phone, and a resident who says
the delivery is not there, with a photo; the goal page counts it beside the claim."""
from tests.e2e.test_reporting import sign_in
from tests.test_evidence import photo


def test_photos_of_a_report_and_a_resident_who_does_not_see_it(new_page, phone, live_server,
                                                               tmp_path, serious_violations):
    first, second, own = (tmp_path / name for name in ("obra-1.jpg", "obra-2.png", "mia.jpg"))
    first.write_bytes(photo())
    second.write_bytes(photo("PNG", size=(900, 1200)))
    own.write_bytes(photo(size=(1600, 1200)))

    official = new_page()
    sign_in(official, live_server, "official")
    official.goto(live_server + "/metas/A2.1/reportes/nuevo")
    official.get_by_label("Trimestre").select_option("2021-T2")
    official.get_by_label("Estado").select_option("cumplida")
    official.get_by_label("Avance físico (%)").fill("100")
    official.get_by_label("Cantidad entregada").fill("1")
    official.get_by_label("Qué se hizo").fill("Comité de vigilancia del agua instalado.")
    official.get_by_label("Fuentes").fill("Resolución de Alcaldía N° 101-2021")
    official.get_by_role("button", name="Publicar el reporte").click()
    official.wait_for_url("**/metas/A2.1#reportes")
    for path, caption in ((first, "Instalación del comité"), (second, "Acta firmada")):
        official.get_by_role("link", name="Agregar una foto o un documento").first.click()
        assert serious_violations(official) == []
        official.get_by_label("Foto (JPEG, PNG, WebP) o documento PDF").set_input_files(path)
        official.get_by_label("Qué muestra").fill(caption)
        official.get_by_label("Fecha en que se tomó").fill("2021-06-15")
        official.get_by_role("button", name="Publicar el archivo").click()
        assert "El archivo está publicado" in official.locator(".alert").inner_text()

    phone.goto(live_server + "/metas/A2.1")
    gallery = phone.locator("#reportes .evidence img")
    assert gallery.count() == 2
    assert gallery.first.get_attribute("loading") == "lazy"
    gallery.first.scroll_into_view_if_needed()
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0",
                            arg=gallery.first.element_handle())
    assert gallery.first.bounding_box()["width"] <= 360
    assert serious_violations(phone) == []

    luis = new_page()
    sign_in(luis, live_server, "resident")
    luis.goto(live_server + "/metas/A2.1")
    assert "Ningún vecino ha verificado aún esta entrega." in luis.locator(".goal-now").inner_text()
    luis.get_by_role("link", name="¿Lo vio? Diga si está hecho").click()
    luis.get_by_label("No, no lo veo").check()
    luis.get_by_label("Lo que vio").fill("No hay ningún comité reunido en el sector.")
    luis.get_by_label("Una foto").set_input_files(own)
    assert serious_violations(luis) == []
    luis.get_by_role("button", name="Enviar mi respuesta").click()
    assert "Gracias" in luis.locator(".alert").inner_text()
    assert "1 vecino verificó: 0 sí, 0 en parte, 1 no, 0 no sabe." in \
        luis.locator(".goal-now").inner_text()

    # What Luis saw stands beside the tally, on a phone too, with the photo he took.
    phone.goto(live_server + "/metas/A2.1")
    seen = phone.locator("#verificaciones")
    assert "Lo que vieron los vecinos" in seen.inner_text()
    assert "No hay ningún comité reunido en el sector." in seen.inner_text()
    assert "No, no lo veo" in seen.inner_text()
    assert seen.locator("img").count() == 1
    assert seen.bounding_box()["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(phone) == []
