"""Instances for tests that need their own: a fresh PostgreSQL database, an S3 server (moto's, a real
S3 HTTP API on loopback) that hands out fresh buckets, and the app as a process of its own."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, skip_unless_ci

REPO = Path(__file__).resolve().parents[1]
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


def free_port() -> int:
    """A TCP port nobody listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """`flask run` in a process of its own on a free loopback port, configured only by its environment."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("WALKAPP_")}, **env}
        self.log = log
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run a `flask --app walkapp` command with this process's settings."""
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "walkapp", *args], env=self.env, cwd=REPO,
                                input=input, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self) -> AppProcess:
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "walkapp", "run", "--host", "127.0.0.1", "--port",
                 str(self.port), "--no-reload", "--no-debugger", "--with-threads"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        return self

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("the app did not start: " + self.log.read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
