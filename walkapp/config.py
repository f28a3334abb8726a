"""Configuration: defaults here, then instance/config.py (or a test mapping), then WALKAPP_* variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_PREFIX = "WALKAPP_"

# The centre of Varberg, near Mittpunkten.
VARBERG = (57.1057, 12.2502)


def defaults(instance_path: str) -> dict:
    """The built-in settings; none of them is a usable secret."""
    return {
        "SECRET_KEY": None,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "walkapp.sqlite"),
        "UPLOAD_DIR": os.path.join(instance_path, "uploads"),
        "DEMO_LOGINS_PATH": os.path.join(instance_path, "demo-logins.txt"),
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ATTRIBUTION": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "DEFAULT_CENTER": "%s,%s" % VARBERG,
        "DEFAULT_RADIUS_M": 600,
        "CLUSTER_EPS_M": 25.0,
        "CLUSTER_MIN_SAMPLES": 2,
        "RETENTION_DAYS": 365,
        # A pin made before the walk closed, by a phone that had no signal, is still taken this long after.
        "LATE_PIN_HOURS": 48,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Failed logins: per account (whatever the address) and per address (whatever the account).
        "LOGIN_LIMIT_PER_ACCOUNT": "10 per 5 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": "30 per 5 minutes",
        "RATELIMIT_HEADERS_ENABLED": True,
        "PUBLIC_URL": None,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_COUNT": 0,
        "CONTACT_EMAIL": "trygghet@varberg.se",
        # An uploaded photo may be 25 MB; the form around it is small.
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024 + 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }


def from_environment(environ=os.environ) -> dict:
    """Every WALKAPP_* variable as a setting, without the prefix, converted where the type is known."""
    out: dict = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX):]
        if key in {"DEFAULT_RADIUS_M", "CLUSTER_MIN_SAMPLES", "RETENTION_DAYS", "MAX_CONTENT_LENGTH", "PROXY_COUNT", "LATE_PIN_HOURS"}:
            value = int(value)
        elif key in {"CLUSTER_EPS_M"}:
            value = float(value)
        elif key in {"SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"}:
            value = value.lower() in {"1", "true", "yes", "on"}
        out[key] = value
    return out


def parse_center(text: str) -> tuple[float, float]:
    """'lat,lon' to a pair of floats, with a clear error for a wrong setting."""
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise ValueError(f"WALKAPP_DEFAULT_CENTER must be 'lat,lon', got {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"WALKAPP_DEFAULT_CENTER out of range: {text!r}")
    return lat, lon


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in instance/, creating it on first run (safe with several workers)."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        # Another worker created the file a moment ago and is still writing it.
        import time

        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")
