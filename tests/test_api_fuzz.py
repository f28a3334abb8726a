"""schemathesis against the participant API, with all its checks: no server error and no answer that
breaks the OpenAPI document, for generated valid and invalid requests (bounded: seconds, not minutes).

The app runs in a real WSGI server on a free loopback port; schemathesis gets a participant's token
and the walk's code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import VARBERG
from walkapp.extensions import db
from walkapp.models import Walk

# Requests per API operation and phase: the whole run stays well under a minute. For a deeper run:
# FUZZ_EXAMPLES=500 FUZZ_SEED=7 pytest tests/test_api_fuzz.py
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("FUZZ_SEED", "2026")


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # thousands of lines would bury the report
        pass


@pytest.fixture
def fuzz_config(app_config):
    app_config["MAX_PINS_PER_PARTICIPANT"] = 1_000_000  # the fuzzer sends thousands of pins


@pytest.fixture
def live_api(fuzz_config, app, make_walk, join, make_pin):
    """The app serving on 127.0.0.1, an open walk with one participant and one of their pins."""
    code = make_walk(stops=[{"name": "Stopp 1", "lat": VARBERG[0], "lon": VARBERG[1]}])
    token = join(code)
    pin = make_pin(code, token, client_id=str(uuid.uuid4())).get_json()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "code": code, "token": token, "pin": pin["id"]}
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            assert db.session.scalar(select(Walk.status).where(Walk.join_code == code)) == "open"


def test_schemathesis_finds_no_failure(live_api, tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert st, "schemathesis is a test dependency"
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'''
[parameters]
"path.join_code" = "{live_api['code']}"
"path.pin_id" = {live_api['pin']}

# A pin that fits the document can still lie outside the walk's area, name a category or stop the
# walk does not have, or repeat a client_id: rules of one walk, which no schema can state. Such a
# request is refused with 400 or 409 and the error shape, never stored.
[checks.positive_data_acceptance]
expected-statuses = ["2XX", "400", "401", "403", "404", "409"]
''')
    result = subprocess.run(
        [st, "--config-file", str(config), "run", f"{live_api['url']}/api/v1/openapi.json", "--checks", "all",
         "-H", f"Authorization: Bearer {live_api['token']}", "--max-examples", str(MAX_EXAMPLES), "--seed", SEED,
         "--workers", "1", "--no-color", "--generation-database", "none", "--request-timeout", "20"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    (tmp_path / "schemathesis.out").write_text(result.stdout + result.stderr)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert "No issues found" in result.stdout or " 0 failures" in result.stdout or "passed" in result.stdout, report
