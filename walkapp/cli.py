"""Command-line tasks: `flask --app walkapp demo | users create | cluster`."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from . import second_factor, vocab
from .auth import MIN_PASSWORD
from .extensions import db
from .models import User

users = AppGroup("users", help="Staff accounts.")



@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(list(vocab.ROLES)), required=True)
@click.option("--name", "display_name", default=None, help="Display name (defaults to the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@click.option("--totp", is_flag=True, help="Give the account a second factor now and print its otpauth:// address once.")
def create_user(email: str, role: str, display_name: str | None, password_stdin: bool, totp: bool):
    """Create a staff account."""
    email = email.strip()
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    if db.session.scalar(select(User).where(func.lower(User.email) == email.lower())):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must be at least {MIN_PASSWORD} characters")
    user = User(email=email, display_name=display_name or email.split("@")[0], role=role,
                password_hash=generate_password_hash(password))
    if totp:
        user.totp_secret = second_factor.new_secret()
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email} (id {user.id}).")
    if totp:
        click.echo("Second factor: add this to an authenticator app now; it is not shown again:")
        click.echo(second_factor.provisioning_uri(user.totp_secret, user.email))
    elif role in current_app.config["TOTP_REQUIRED_ROLES"]:
        click.echo("The account sets up its second factor (an authenticator app) at its first login.")


@click.command("demo")
@click.option("--show-logins", is_flag=True, help="When the demo is already loaded, print the logins saved in instance/.")
@with_appcontext
def demo_command(show_logins: bool):
    """Load the demo walk and demo staff (idempotent); print the logins the first time."""
    from .demo import load_demo

    result = load_demo(current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000", show_logins)
    click.echo(result.report())


@click.command("assets")
@with_appcontext
def assets_command():
    """Build the static files for serving: minified, versioned, gzip and brotli (into ASSETS_DIR)."""
    from pathlib import Path

    from .assets import build

    version = build(Path(current_app.static_folder), Path(current_app.config["ASSETS_DIR"]))
    click.echo(f"Static files built into {current_app.config['ASSETS_DIR']} (version {version}).")


@click.command("cluster")
@click.argument("walk_id", type=int)
@with_appcontext
def cluster_command(walk_id: int):
    """Group a walk's pins into locations (safe to run again: staff edits are kept)."""
    from . import audit
    from .locations import cluster_walk
    from .models import Walk

    walk = db.session.get(Walk, walk_id)
    if walk is None:
        raise click.ClickException(f"no walk with id {walk_id}")
    report = cluster_walk(walk)
    audit.record("walk_clustered", None, walk=walk, note=json.dumps({**report.counts(), "cli": True}))
    db.session.commit()
    click.echo(report.summary())


@click.command("retention")
@click.option("--days", type=int, default=None,
              help="For this run, every kind (photos, comments, tokens) after DAYS days instead of its setting; 0 keeps all.")
@click.option("--dry-run", is_flag=True, help="List per walk what would be deleted, and change nothing.")
@with_appcontext
def retention_command(days: int | None, dry_run: bool):
    """Delete photos, comments and participants' tokens of walks closed longer ago than each kind's period."""
    from .retention import KINDS, apply_retention, periods

    chosen = periods(current_app.config, days)
    report = apply_retention(chosen, dry_run=dry_run)
    click.echo("Retention periods: " + ", ".join(
        f"{kind} {chosen[kind]} days" if chosen[kind] else f"{kind} kept" for kind in KINDS) + ".")
    verb = "would be deleted" if dry_run else "deleted"
    for walk in report.walks:
        click.echo(f"Walk {walk.walk_id} ({walk.title}): "
                   + ", ".join(f"{walk.counts.get(kind, 0)} {kind}" for kind in KINDS) + f" {verb}.")
    click.echo(f"{'Dry run: ' if dry_run else ''}{report.total('photos')} photos, {report.total('comments')} comments "
               f"and {report.total('tokens')} tokens {verb} from {len(report.walks)} walks.")


@click.command("remind")
@with_appcontext
def remind_command():
    """Remind responsible parties of items due within PARTY_REMIND_DAYS or overdue (for cron, daily)."""
    from .party_links import remind

    sent = remind()
    for link, count in sent:
        click.echo(f"Reminded {link.party.name} <{link.email}>: {count} item(s) of walk {link.walk_id}.")
    click.echo(f"{len(sent)} reminder(s) sent.")


def register(app: Flask) -> None:
    """Add the commands to `flask --app walkapp`."""
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(cluster_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(remind_command)
    app.cli.add_command(assets_command)
    from .backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
