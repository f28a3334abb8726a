"""`flask db upgrade` builds from nothing exactly the schema the models describe."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from walkapp import create_app
from walkapp.extensions import db
from tests.conftest import PG_URL, skip_unless_ci


def _upgrade_and_compare(url: str) -> list:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert not left, f"downgrade left tables: {left}"
    return diff


def test_upgrade_on_sqlite_matches_models(tmp_path):
    assert _upgrade_and_compare("sqlite:///" + str(tmp_path / "m.sqlite")) == []


@pytest.mark.postgres
def test_upgrade_on_postgresql_matches_models():
    if not PG_URL:
        skip_unless_ci("WALKAPP_TEST_DATABASE_URL is not set")
    name = "walkapp_migrations_" + uuid.uuid4().hex[:8]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        assert _upgrade_and_compare(url) == []
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()
