"""Flask extensions, created unbound here and bound to the app in create_app."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from .db import db

migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()

LANG_COOKIE = "lang"


# Pages for the participants (and the public): they speak every configured language; staff pages
# only the languages translated for staff (languages.PARTICIPANTS_ONLY).
PARTICIPANT_ENDPOINTS = ("pages.", "api.", "media.", "about.help", "about.privacy")


def participant_page() -> bool:
    return has_request_context() and (request.endpoint or "").startswith(PARTICIPANT_ENDPOINTS)


def select_locale() -> str:
    """The language a person chose (cookie), else the browser's preference, else Swedish."""
    from flask import current_app

    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from .languages import language

    languages = [c for c in current_app.config["LANGUAGES"] if participant_page() or language(c).staff]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


__all__ = ["db", "migrate", "login_manager", "csrf", "limiter", "babel", "select_locale"]
