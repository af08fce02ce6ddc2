"""Sending e-mail in the reader's language; logged instead when no server is configured."""
from email import policy

from flask import current_app
from flask_mail import Message

from portal.extensions import mail

# Header lines up to the limit the RFC sets (998): folded at 78, a long link in
# List-Unsubscribe would be written as encoded words that mail programs cannot follow.
LONG_LINES = policy.SMTP.clone(max_line_length=998)


class PortalMessage(Message):
    def _message(self):
        message = super()._message()
        message.policy = LONG_LINES
        return message


def send_mail(to, subject, body, html=None, headers=None):
    """Send now; an SMTP failure raises, so that a job sending it is tried again later."""
    message = PortalMessage(subject=str(subject), recipients=[to], body=str(body), html=html,
                            extra_headers=headers)
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.warning("E-mail not sent (no MAIL_SERVER) to %s: %s\n%s",
                                   to, message.subject, message.body)
        return
    mail.send(message)
