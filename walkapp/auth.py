"""Staff login and logout, with a second factor. Participants never log in: they hold an anonymous token.

A login session is tied to the account's session generation (User.get_id), so logging out, a new
password or deactivation ends every session made before, wherever its cookie was saved. Sessions
also end after STAFF_IDLE_MINUTES without a request and STAFF_SESSION_HOURS after login.
"""

from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from . import audit, second_factor
from .extensions import db, limiter, login_manager
from .models import User, utcnow
from .urls import local_path

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Logga in för att se sidan.")
login_manager.login_message_category = "info"

# Checked when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password")
# The login in progress between the password and the code (or the first enrolment), in the session.
PENDING = "login_pending"
PENDING_SECONDS = 300


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session, if the session is still of the account's current generation."""
    user_id, _sep, generation = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii() and generation.isdigit()):
        return None  # a session from before generations existed, or a forged one
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every login session of this account (logout everywhere)."""
    user.session_generation = (user.session_generation or 0) + 1


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(_l("Kod från appen"), validators=[DataRequired(), Length(max=20)])


MIN_PASSWORD = 10


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Nuvarande lösenord"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("Nytt lösenord (minst %(n)d tecken)", n=MIN_PASSWORD),
                        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])


def _email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _account_address_key() -> str:
    """One account tried from one address: the limit an attacker hits first."""
    return f"login:{_email()}:{get_remote_address()}"


def _account_key() -> str:
    """One account from anywhere: a high ceiling, so the real user is not locked out by others."""
    return "login-account:" + _email()


def _pending_key() -> str:
    pending = session.get(PENDING) or {}
    return f"login-code:{pending.get('uid')}:{get_remote_address()}"


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def find_user(email: str) -> User | None:
    """The staff account with this e-mail, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_login(email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None; same cost either way."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def needs_second_factor(user: User) -> bool:
    """Whether this account must have a second factor before it gets in (admins by default)."""
    return user.role in current_app.config["TOTP_REQUIRED_ROLES"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"], methods=["POST"],
               key_func=_account_address_key, deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_account_key,
               deduct_when=_failed)
def login():
    """Let staff log in with e-mail and password, then a code when they use a second factor."""
    form = LoginForm()
    if form.validate_on_submit():
        user = check_login(form.email.data, form.password.data)
        if user is not None:
            target = local_path(request.args.get("next"))
            if user.totp_secret or needs_second_factor(user):
                session[PENDING] = {"uid": user.id, "gen": user.session_generation, "at": time.time(), "next": target}
                if user.totp_secret:
                    return redirect(url_for("auth.code"))
                session[PENDING]["secret"] = second_factor.new_secret()
                return redirect(url_for("auth.enrol"))
            return _finish_login(user, target)
        flash(_("Fel e-post eller lösenord."), "error")
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    """The account whose password was just given, if that was less than PENDING_SECONDS ago."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending["uid"])
    if user is None or not user.active or user.session_generation != pending["gen"]:
        return None
    return user


def _finish_login(user: User, target: str | None):
    session.pop(PENDING, None)
    login_user(user)
    session["login_at"] = session["seen_at"] = int(time.time())
    session.permanent = True
    user.last_login_at = utcnow()
    db.session.commit()
    return redirect(target or url_for("auth.home"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"], methods=["POST"],
               key_func=_pending_key, deduct_when=_failed)
def code():
    """The second step of a login: the six digits from the authenticator app."""
    user = _pending_user()
    if user is None or not user.totp_secret:
        flash(_("Logga in igen."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        step = second_factor.accepted_step(user.totp_secret, form.code.data, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return _finish_login(user, session[PENDING].get("next"))
        flash(_("Koden stämmer inte. Skriv de sex siffror som appen visar just nu."), "error")
    return render_template("auth/code.html", form=form)


def qr_svg(uri: str) -> Markup:
    """An otpauth address as an inline SVG QR code (segno escapes nothing of ours into it)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title=_("QR-kod för autentiseringsappen")))


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"], methods=["POST"],
               key_func=_pending_key, deduct_when=_failed)
def enrol():
    """An account that must have a second factor sets it up before its first login completes."""
    user = _pending_user()
    secret = (session.get(PENDING) or {}).get("secret")
    if user is None or secret is None:
        flash(_("Logga in igen."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        step = second_factor.accepted_step(secret, form.code.data, None)
        if step is not None:
            user.totp_secret, user.totp_last_step = secret, step
            audit.record("totp_enabled", user, field="totp")
            return _finish_login(user, session[PENDING].get("next"))
        flash(_("Koden stämmer inte. Skriv de sex siffror som appen visar just nu."), "error")
    uri = second_factor.provisioning_uri(secret, user.email)
    return render_template("auth/enrol.html", form=form, qr=qr_svg(uri), secret=secret, required=True)


@bp.route("/account/security", methods=["GET", "POST"])
@login_required
def security():
    """Turn the second factor on (any staff account) or off (where the role does not require it)."""
    form = CodeForm()
    if current_user.totp_secret:
        if form.validate_on_submit() and request.form.get("action") == "disable":
            if needs_second_factor(current_user):
                flash(_("Ditt konto måste ha tvåstegsverifiering."), "error")
            elif second_factor.accepted_step(current_user.totp_secret, form.code.data, None) is None:
                flash(_("Koden stämmer inte. Skriv de sex siffror som appen visar just nu."), "error")
            else:
                current_user.totp_secret = current_user.totp_last_step = None
                audit.record("totp_disabled", current_user, field="totp")
                db.session.commit()
                flash(_("Tvåstegsverifieringen är avstängd."), "success")
                return redirect(url_for("auth.security"))
        return render_template("auth/security.html", form=form, enabled=True,
                               required=needs_second_factor(current_user))
    secret = session.get("totp_setup") or second_factor.new_secret()
    session["totp_setup"] = secret
    if form.validate_on_submit():
        step = second_factor.accepted_step(secret, form.code.data, None)
        if step is None:
            flash(_("Koden stämmer inte. Skriv de sex siffror som appen visar just nu."), "error")
        else:
            current_user.totp_secret, current_user.totp_last_step = secret, step
            session.pop("totp_setup", None)
            audit.record("totp_enabled", current_user, field="totp")
            db.session.commit()
            flash(_("Tvåstegsverifieringen är på. Nästa gång du loggar in frågar vi efter en kod."), "success")
            return redirect(url_for("auth.security"))
    uri = second_factor.provisioning_uri(secret, current_user.email)
    return render_template("auth/enrol.html", form=form, qr=qr_svg(uri), secret=secret, required=False)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"], methods=["POST"],
               key_func=lambda: f"password:{current_user.id}", deduct_when=_failed)
def password():
    """Change your password: every other session of the account ends, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append(_("Det nuvarande lösenordet stämmer inte."))
        else:
            user = current_user._get_current_object()
            user.password_hash = generate_password_hash(form.new.data)
            end_sessions(user)
            audit.record("password_changed", user, field="password")
            db.session.commit()
            login_user(user)  # this browser's session, in the new generation
            flash(_("Lösenordet är bytt. Du är utloggad överallt utom här."), "success")
            return redirect(url_for("auth.security"))
    return render_template("auth/password.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out: this session, and every other saved copy of it, ends."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("pages.index"))


@bp.get("/staff")
@login_required
def home():
    """Send staff to where their role works."""
    if current_user.role == "planner":
        return redirect(url_for("planner.index"))
    return redirect(url_for("leader.walks"))


@bp.before_app_request
def expire_idle_sessions():
    """End a staff session after STAFF_IDLE_MINUTES without a request or STAFF_SESSION_HOURS in all."""
    if "_user_id" not in session:
        return None
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    lifetime = current_app.config["STAFF_SESSION_HOURS"] * 3600
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > lifetime:
        logout_user()
        session.clear()
        flash(_("Du har loggats ut eftersom det var en stund sedan du var aktiv. Logga in igen."), "info")
        return None
    if now - session["seen_at"] >= 60:  # the cookie is rewritten at most once a minute
        session["seen_at"] = now
    return None
