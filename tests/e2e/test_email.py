"""A follower gets the report by e-mail and follows its link; another stops such e-mails."""
import re

import pytest

from tests.e2e.conftest import live_app
from tests.e2e.test_reporting import sign_in
from tests.test_email import SmtpServer, sending_mail_to


@pytest.fixture
def live_mail(live_server):
    """The live portal sending its e-mail to an SMTP server on 127.0.0.1."""
    smtp = SmtpServer()
    smtp.start()
    with sending_mail_to(live_app(), smtp, live_server):
        yield smtp
    smtp.stop()


def test_a_report_by_email_then_unsubscribing(new_page, live_server, live_mail,
                                              serious_violations):
    rosa = new_page()
    sign_in(rosa, live_server, "moderator")
    rosa.goto(live_server + "/metas/S1.2")
    rosa.get_by_role("button", name="Seguir", exact=True).click()
    rosa.goto(live_server + "/cuenta/avisos")
    rosa.get_by_label("Se publica un reporte").select_option("now")
    assert serious_violations(rosa) == []
    rosa.get_by_role("button", name="Guardar").click()
    assert "Sus preferencias de correo quedaron guardadas." in rosa.locator(".alert").inner_text()

    official = new_page()
    sign_in(official, live_server, "official")
    official.goto(live_server + "/metas/S1.2/reportes/nuevo")
    official.get_by_label("Trimestre").select_option("2021-T1")
    official.get_by_label("Estado").select_option("en_ejecucion")
    official.get_by_label("Avance físico (%)").fill("15")
    official.get_by_label("Qué se hizo").fill("Aulas en diseño.")
    official.get_by_role("button", name="Publicar el reporte").click()
    official.wait_for_url("**/metas/S1.2#reportes")

    [(recipients, message)] = live_mail.inbox.messages
    assert recipients == ["copale@example.org"]
    text = message.get_body(("plain",)).get_content()
    link = re.search(re.escape(live_server) + r"/metas/S1\.2#reportes", text).group(0)
    rosa.goto(link)
    assert "Aulas en diseño." in rosa.locator("#reportes").inner_text()
    assert "sin leer" in rosa.get_by_role("link", name=re.compile("Notificaciones")).inner_text()

    # The unsubscribe link works in a browser where nobody is signed in.
    stranger = new_page()
    stranger.goto(message["List-Unsubscribe"].strip("<>"))
    assert serious_violations(stranger) == []
    stranger.get_by_role("button", name="Dejar estos correos").click()
    assert "Listo: ya no recibirá correos cuando pase esto: Se publica un reporte." in \
        stranger.locator(".alert").inner_text()
