"""Sending e-mail in the reader's language; logged instead when no server is configured."""
from flask import current_app
from flask_mail import Message

from portal.extensions import mail


def send_mail(to, subject, body):
    message = Message(subject=str(subject), recipients=[to], body=str(body))
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.warning("E-mail not sent (no MAIL_SERVER) to %s: %s\n%s",
                                   to, message.subject, message.body)
        return
    mail.send(message)
