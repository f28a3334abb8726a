"""Staff accounts (create, change role, deactivate) and the audit log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import generate_password_hash
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from .. import audit, audit_text, vocab
from ..auth import MIN_PASSWORD, end_sessions, find_user
from ..extensions import db
from ..forms import choices
from ..models import AuditEvent, User
from . import bp


class UserForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Skriv en e-postadress."))])
    display_name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Roll"), choices=choices({k: _l(v) for k, v in vocab.ROLES.items()}))
    password = PasswordField(_l("Lösenord (minst %(n)d tecken)", n=MIN_PASSWORD),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])


@bp.route("/users", methods=["GET", "POST"])
def users():
    """List staff accounts and create new ones."""
    form = UserForm()
    if form.validate_on_submit():
        if find_user(form.email.data):
            form.email.errors.append(_("Det finns redan ett konto med den e-postadressen."))
        else:
            user = User(email=form.email.data.strip(), display_name=form.display_name.data.strip(),
                        role=form.role.data, password_hash=generate_password_hash(form.password.data))
            db.session.add(user)
            db.session.flush()
            audit.record("user_created", current_user, field="role", new=f"{user.email} ({user.role})")
            db.session.commit()
            flash(_("Kontot för %(email)s är skapat.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(User).order_by(User.active.desc(), User.display_name)).all()
    return render_template("admin/users.html", form=form, accounts=accounts)


@bp.post("/users/<id:user_id>")
def update_user(user_id: int):
    """Change an account's role, or deactivate and reactivate it."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Du kan inte ändra ditt eget konto här."), "error")
        return redirect(url_for("admin.users"))
    role = request.form.get("role")
    if role in vocab.ROLES and role != user.role:
        audit.record("user_role", current_user, field="role", old=f"{user.email} {user.role}", new=role)
        user.role = role
    active = request.form.get("active")
    if active in ("0", "1") and (active == "1") != user.active:
        audit.record("user_active", current_user, field="active", old=f"{user.email} {user.active}", new=active == "1")
        user.active = active == "1"
        if not user.active:
            end_sessions(user)
    db.session.commit()
    flash(_("Kontot är uppdaterat."), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
def audit_log():
    """The latest changes across the app: who did what, when, and why."""
    page = db.paginate(select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), per_page=100)
    return render_template("admin/audit.html", page=page, entries=audit_text.describe(page.items))
