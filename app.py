"""The application factory: ``flask --app app run``."""
import os

from flask import Flask
from flask_babel import get_locale

import config as config_module
from models import db
from models.base import configure_engine
from portal import api, cli, errors, i18n, plan_views
from portal.extensions import babel, migrate
from portal.labels import LABELS


def create_app(config=None, **overrides):
    """Build the portal; ``config`` is a config class or its name (default: PORTAL_CONFIG)."""
    app = Flask(__name__, static_folder="portal/static", instance_relative_config=True)
    if config is None or isinstance(config, str):
        name = config or os.environ.get("PORTAL_CONFIG", "development")
        config = config_module.CONFIGS[name]
    app.config.from_object(config)
    app.config.update(overrides)
    app.json.sort_keys = False  # keep fields in the documented order
    app.json.ensure_ascii = False
    config_module.check_production(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"),
                     render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)

    app.register_blueprint(plan_views.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    cli.register(app)

    app.jinja_env.globals.update(LABELS=LABELS, languages=i18n.language_choices,
                                 get_locale=get_locale)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app
