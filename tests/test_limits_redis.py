"""Rate limits shared by several workers through Redis, as in production (WALKAPP_RATELIMIT_STORAGE_URI).

Two app objects stand for two gunicorn workers; the counters must be the same for both. The Redis
server comes from WALKAPP_TEST_REDIS_URL (CI sets it; the tests are skipped without it elsewhere).
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import PASSWORD, skip_unless_ci
from walkapp import create_app
from walkapp.extensions import db

REDIS_URL = os.environ.get("WALKAPP_TEST_REDIS_URL")


@pytest.fixture
def workers(app_config, app):
    """Two apps on one database and one Redis, each with its own limiter state; a fresh key prefix."""
    if not REDIS_URL:
        skip_unless_ci("WALKAPP_TEST_REDIS_URL is not set")
    config = {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL,
              "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex}
    first, second = create_app(config), create_app(config)
    yield first, second
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{config['RATELIMIT_KEY_PREFIX']}*"):
        client.delete(key)
    for worker in (first, second):
        with worker.app_context():
            db.engine.dispose()


def _login(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_failed_logins_are_counted_across_workers(workers, make_user):
    user = make_user("leader")
    one, two = (w.test_client() for w in workers)
    outcomes = [_login(one if i % 2 else two, user.email, "fel", "203.0.113.5").status_code for i in range(12)]
    assert outcomes[:10] == [200] * 10 and outcomes[10:] == [429, 429], outcomes
    # The real user, from the youth centre's own address, still gets in through either worker.
    assert _login(one, user.email, PASSWORD, "198.51.100.20").status_code == 302


def test_thirty_phones_behind_one_address_can_join(workers, make_walk):
    code = make_walk()
    one, two = (w.test_client() for w in workers)
    statuses = [(one if i % 2 else two).post(f"/api/v1/walks/{code}/participants",
                                           environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code for i in range(30)]
    assert statuses == [201] * 30


def test_guessing_codes_is_limited_per_address_across_workers(workers, make_walk):
    code = make_walk()
    one, two = (w.test_client() for w in workers)
    misses = [(one if i % 2 else two).get(f"/api/v1/walks/ZZZZZ{c}", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code
              for i, c in enumerate("ABCDEFGHJKMNPQRSTUVWXYZ23456789")]
    assert misses[:30] == [404] * 30 and misses[30:] == [429]
    # Known codes from another address are not affected; from the guessing address they wait too.
    assert one.get(f"/api/v1/walks/{code}", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200


def test_pins_a_minute_per_participant_across_workers(workers, make_walk, app_config):
    from tests.conftest import pin_form

    code = make_walk()
    one, two = (w.test_client() for w in workers)
    token = one.post(f"/api/v1/walks/{code}/participants").get_json()["token"]
    statuses = []
    for i in range(31):
        form = {k: v for k, v in pin_form().items() if k != "categories"}
        statuses.append((one if i % 2 else two).post(f"/api/v1/walks/{code}/pins", data=form,
                                                   headers={"Authorization": f"Bearer {token}"}).status_code)
    assert statuses[:30] == [201] * 30 and statuses[30] == 429
