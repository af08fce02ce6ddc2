"""The application factory: ``flask --app app run``."""
import os
from datetime import date

from flask import Flask
from flask_babel import format_decimal

import config as config_module
from forms.accounts import EmptyForm
from models import db
from models.base import aware, configure_engine
from portal import (commands, formatting, jobs, municipal, page_cache, security, terms, text,
                    transactions)
from portal.views import (accounts, admin, api, charts, committees, errors, evidence, feedback,
                          health, hearings, i18n, national, notifications, places, plan,
                          reports, transparency)
from portal.extensions import babel, cache, compress, csrf, limiter, login_manager, mail, migrate
from portal.labels import LABELS, followed_name
from portal.permissions import can
from portal.quarters import plan_quarters
from portal.services.answers import answer_deadline, days_waited, overdue
from portal.services.checks import claims_delivery
from portal.services.feedback import editable
from portal.translation import lazy_gettext as _l


def create_app(config=None, **overrides):
    """Build the portal; ``config`` is a config class or its name (default: PORTAL_CONFIG)."""
    app = Flask(__name__, static_folder="portal/static", instance_relative_config=True)
    if config is None or isinstance(config, str):
        name = config or os.environ.get("PORTAL_CONFIG", "development")
        config = config_module.CONFIGS[name]
    app.config.from_object(config)
    # PORTAL_COMMENT_LIMIT="100 per minute" and the like tune a deployment (values are JSON
    # when they parse as JSON, text otherwise).
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides)
    config_module.check_production(app.config)
    app.json.sort_keys = False  # keep fields in the documented order
    app.json.ensure_ascii = False
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    configure_engine(app, transactions.writes_expected)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"),
                     render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    security.secure(app)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(accounts.load_reader)
    login_manager.anonymous_user = accounts.AnonymousUser
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.login_message_category = "info"

    for module in (plan, i18n, api, accounts, admin, committees, reports, feedback,
                   transparency, notifications, hearings, evidence, places, health, national):
        app.register_blueprint(module.bp)
    terms.init_app(app)
    municipal.init_app(app)
    errors.register(app)
    commands.register(app, create_app)
    cache.init_app(app)
    compress.init_app(app)

    @app.after_request
    def commit_once(response):
        """The request's one commit; an error answer changes nothing. A commit the database
        refuses, gone away meanwhile, is answered as any statement it refuses: 503."""
        if response.status_code < 400:
            try:
                jobs.commit()
            except errors.DATABASE_AWAY as error:
                return errors.database_unavailable(error)
        else:
            db.session.rollback()
        return response

    # Registered after compression and the commit, so that it runs first: it stores the
    # plain page, and fills its reader's holes before the commit expires what it read.
    page_cache.init_app(app)
    # Around each commit, in this order: the page cache bumps the versions of all that
    # changed; once committed, the jobs recorded are queued (without Redis, ``jobs.commit``
    # runs them next, each in a transaction of its own) and the versions mirrored; a
    # rollback forgets both.
    transactions.around_commits(jobs.COMMIT_LISTENERS, page_cache.COMMIT_LISTENERS)
    security.behind_proxies(app)

    app.jinja_env.globals.update(LABELS=LABELS, languages=i18n.language_choices,
                                 current_language=i18n.current_language, can=can, EmptyForm=EmptyForm,
                                 format_decimal=format_decimal, soles=formatting.soles,
                                 number=formatting.number, is_link=formatting.is_link,
                                 user_text=text.user_text, editable=editable, aware=aware,
                                 charts=charts, plan_figures=charts.plan_figures,
                                 plan_quarters=plan_quarters, answer_deadline=answer_deadline,
                                 days_waited=days_waited, overdue=overdue,
                                 from_iso=date.fromisoformat, goal_url=terms.goal_url,
                                 goal_name=terms.goal_name, plan_url=terms.plan_url,
                                 committee_url=terms.committee_url,
                                 hearing_url=terms.hearing_url,
                                 bound_to_one=municipal.bound_address, here=terms.context,
                                 claims_delivery=claims_delivery, followed_name=followed_name)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app
