"""Trygghetsvandring: safety walks where young people pin places and the municipality follows up."""

from __future__ import annotations

import os

from flask import Config, Flask

from . import config as _config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints. No side effects beyond registering."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder="../static",
        template_folder="../templates",
    )
    defaults = _config.defaults(app.instance_path)
    app.config.from_mapping(defaults)
    if test_config is None:
        overrides = Config(app.instance_path)
        overrides.from_pyfile("config.py", silent=True)
    else:
        overrides = dict(test_config)
    from_env, unknown = _config.from_environment(defaults)
    overrides.update(from_env)
    app.config.update(overrides)
    if unknown:
        # Logged, not warned: a typo should be seen, but must not stop the app (or the test suite).
        app.logger.info("Unknown settings in the environment (ignored by the app): %s", ", ".join(unknown))
    _finish_config(app, explicit=set(overrides))
    from .inbound import JSONProvider, Request
    from .urls import IdConverter

    app.request_class = Request
    app.json = JSONProvider(app)
    app.url_map.converters["id"] = IdConverter

    from .extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)

    from . import about, admin, auth, errors, leader, media, open311, planner, templating
    from .participant import agreements, api, erase, pages  # noqa: F401 (agreements and erase add routes to api.bp)

    @app.before_request
    def _transactions_follow_the_method():
        from flask import request

        from .db import will_write

        will_write(request.method not in ("GET", "HEAD", "OPTIONS"))

    errors.register(app)
    templating.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(leader.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(planner.bp)
    app.register_blueprint(open311.bp)
    app.register_blueprint(about.bp)
    from . import mail, party

    app.register_blueprint(party.bp)
    mail.install(app)
    from . import tiles

    tiles.install(app)

    from . import cli, photostore, quota

    app.extensions["walkapp_quota"] = quota.Quota(app.config["RATELIMIT_STORAGE_URI"],
                                                  app.config.get("RATELIMIT_KEY_PREFIX", ""))
    app.extensions["walkapp_photo_store"] = photostore.open_store(
        app.config["PHOTO_STORAGE"], upload_dir=app.config["UPLOAD_DIR"], endpoint_url=app.config["S3_ENDPOINT_URL"])
    cli.register(app)
    from . import assets

    assets.install(app)
    from . import collector, memory

    memory.keep_freed_memory()  # a photo's working memory kept for the next (memory.py)
    collector.freeze_startup()  # the app's own objects out of the collector's way (collector.py)
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy that terminates HTTPS: trust its X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _finish_config(app: Flask, explicit: set[str]) -> None:
    """Derive settings that depend on others, and refuse to run without a secret."""
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(cfg["DATABASE_URL"])
    if not cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server may drop idle connections; check each one as it is taken (a SQLite file never drops).
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **cfg["SQLALCHEMY_ENGINE_OPTIONS"]}
    cfg["DEFAULT_CENTER_LATLON"] = _config.parse_center(cfg["DEFAULT_CENTER"])
    from . import timefmt

    timefmt.set_local_zone(cfg["TIMEZONE"])  # a wrong name fails here, at start
    cfg["BABEL_DEFAULT_TIMEZONE"] = cfg["TIMEZONE"]
    from . import photos

    photos.set_concurrency(int(cfg["PHOTO_CONCURRENCY"]))
    import datetime as dt

    cfg["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=cfg["STAFF_SESSION_HOURS"])
    if not cfg.get("SECRET_KEY"):
        os.makedirs(app.instance_path, exist_ok=True)
        cfg["SECRET_KEY"] = _config.instance_secret_key(app.instance_path)
    if not (app.debug or app.testing):
        # Outside development, cookies travel only over HTTPS unless explicitly switched off.
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in explicit:
                cfg[key] = True


def _normalise_db_url(url: str) -> str:
    """Let plain postgresql:// URLs use psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
