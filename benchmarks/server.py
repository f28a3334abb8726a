"""A gunicorn server on a fresh database for the benchmarks (loopback only): SQLite in a temporary
folder or a throw-away PostgreSQL database, rate limits in Redis as in production."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
PG = os.environ.get("WALKAPP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("WALKAPP_BENCH_REDIS", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite'}"
    import psycopg

    with psycopg.connect(PG + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS walkapp_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE walkapp_bench")
    return PG + "/walkapp_bench"


class Server:
    """gunicorn (`workers` sync workers) on a fresh database, rate limits in Redis."""

    def __init__(self, kind: str, folder: Path, workers: int = 2, settings: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers_count = workers
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WALKAPP_")},
            "WALKAPP_DATABASE_URL": database(kind, folder),
            "WALKAPP_UPLOAD_DIR": str(folder / "uploads"),
            "WALKAPP_SECRET_KEY": "benchmark",
            "WALKAPP_RATELIMIT_STORAGE_URI": REDIS,
            "WALKAPP_RATELIMIT_KEY_PREFIX": "bench-" + uuid.uuid4().hex[:8],
            "PYTHONPATH": str(REPO),
            **(settings or {}),
        }
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "walkapp", *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, check=True).stdout

    def python(self, code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env=self.env, cwd=REPO, capture_output=True, text=True,
                              check=True).stdout

    def start(self) -> None:
        self.flask("db", "upgrade")
        log = open(self.folder / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers_count), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "walkapp:create_app()"],
            env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/api/v1/openapi.json", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError((self.folder / "gunicorn.log").read_text())

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)

    def open_walk(self) -> str:
        """An open walk around Varberg, made directly in the database; returns its code."""
        return self.python(OPEN_WALK).strip()


OPEN_WALK = """
from walkapp import create_app, geo
from walkapp.extensions import db
from walkapp.models import Walk, utcnow
from walkapp.walks import new_join_code, set_area
app = create_app()
with app.app_context():
    walk = Walk(title="Benchmark", join_code=new_join_code(), status="open", opened_at=utcnow(), stops=[])
    set_area(walk, geo.circle_area(57.1057, 12.2502, 600))
    db.session.add(walk)
    db.session.commit()
    print(walk.join_code)
"""
