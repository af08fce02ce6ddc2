"""Security headers on every answer, and the proxy in front of the portal."""
from flask import abort, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.translation import lazy_gettext as _l

# No inline script and no third party: everything comes from the portal itself. Images may
# be data: URIs (the enrolment QR code); charts are inline SVG.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def secure(app):
    """Talisman keeps its options on itself, not on the app: each app gets its own, so that
    two apps in one process (a test's) never take each other's."""
    https = app.config["FORCE_HTTPS"]
    app.extensions["talisman"] = Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()",
                            "browsing-topics": "()"},
    )
    app.before_request(refuse_nul_characters)


def behind_proxies(app):
    """Call last, so that everything in front of the portal (its page cache's front layer)
    sees the client as the proxies name it."""
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx or a load balancer: the client's address and scheme come from it.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def refuse_nul_characters():
    """A NUL character is no text anyone types, and no database stores it: refuse it."""
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400, description=_l("The request holds a character that cannot be stored."))
