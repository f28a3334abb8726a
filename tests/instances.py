"""Stand-ins for the shared services of a scaled-out instance: a fresh PostgreSQL database of its own,
and an S3 server (moto's, a real S3 HTTP API on loopback) that hands out fresh buckets."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, skip_unless_ci

AWS_ENV = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "eu-north-1"}


def require_postgres() -> str:
    """The test server's address, or skip (fail in CI) without one."""
    if not PG_URL:
        skip_unless_ci("WALKAPP_TEST_DATABASE_URL is not set")
    return PG_URL


@contextlib.contextmanager
def fresh_database(prefix: str = "walkapp_test") -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server for the duration; yields its address."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = make_url(require_postgres())
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


class StandInS3:
    """moto's S3 server on a free loopback port; `new_bucket()` makes an empty bucket."""

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> StandInS3:
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self.server.stop()

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=AWS_ENV["AWS_DEFAULT_REGION"],
                            aws_access_key_id="test", aws_secret_access_key="test")

    def new_bucket(self, prefix: str = "walkapp") -> str:
        """Create a bucket no test has used; returns its name."""
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={
            "LocationConstraint": AWS_ENV["AWS_DEFAULT_REGION"]})
        return name
