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
        # Empty: photos in UPLOAD_DIR. "s3://bucket/prefix": in an S3-compatible bucket (credentials
        # the usual AWS way; S3_ENDPOINT_URL for a server that is not AWS).
        "PHOTO_STORAGE": "",
        "S3_ENDPOINT_URL": "",
        "DEMO_LOGINS_PATH": os.path.join(instance_path, "demo-logins.txt"),
        # The built static files (`flask assets`): minified, versioned, pre-compressed.
        "ASSETS_DIR": os.path.join(instance_path, "assets"),
        # Map tiles: phones and staff maps load them from our /tiles/, which fetches each one once from
        # TILE_URL (saying who we are: TILE_CONTACT, else CONTACT_EMAIL) and keeps it TILE_CACHE_DAYS.
        "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ATTRIBUTION": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "TILE_CONTACT": "",
        "TILE_CACHE_DIR": os.path.join(instance_path, "tiles"),
        "TILE_CACHE_MB": 500.0,
        "TILE_CACHE_DAYS": 7.0,
        "TILE_TIMEOUT_SECONDS": 10.0,
        # Where logged-in staff get tiles: "south,west,north,east"; empty: 30 km around DEFAULT_CENTER.
        # Anyone else gets tiles only this far around a walk they can see.
        "TILE_REGION": "",
        "TILE_MARGIN_M": 2000,
        # A phone that joins a walk keeps the area's tiles for offline use, at most this many (0: off;
        # use 0 with an upstream whose terms forbid bulk downloading, such as OpenStreetMap's own).
        "TILE_PREFETCH_MAX": 400,
        "DEFAULT_CENTER": "%s,%s" % VARBERG,
        # What a new walk's form starts with: a circle of this radius, and how pins become places.
        "DEFAULT_RADIUS_M": 600,
        "CLUSTER_EPS_M": 25.0,
        "CLUSTER_MIN_SAMPLES": 2,
        # Retention (`flask retention`, docs/dataskydd.md): days after a walk closed; 0 keeps that kind.
        # Photos and comments follow RETENTION_DAYS unless set; the phones' tokens go sooner.
        "RETENTION_DAYS": 365,
        "RETENTION_PHOTOS_DAYS": None,
        "RETENTION_COMMENTS_DAYS": None,
        "RETENTION_TOKENS_DAYS": 90,
        # A pin made before the walk closed, by a phone that had no signal, is still taken this long after.
        "LATE_PIN_HOURS": 48,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Failed logins: one account from one address, one address whatever the account, and a high
        # ceiling per account from anywhere, so somebody else's guessing never locks the real user out.
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": "10 per 5 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": "30 per 5 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": "100 per hour",
        # Staff sessions end after this long without a request, and this long after login in any case.
        "STAFF_IDLE_MINUTES": 60,
        "STAFF_SESSION_HOURS": 12,
        # Roles that must use an authenticator app; the others may.
        "TOTP_REQUIRED_ROLES": ["admin"],
        # X-RateLimit-* headers on every answer cost two storage round trips each; 429s still say Retry-After.
        "RATELIMIT_HEADERS_ENABLED": False,
        # Participants: a whole youth centre shares one address, so joins allow a room of phones at once;
        # look-ups of codes that don't exist are what guessing costs.
        "JOIN_LIMIT_PER_ADDRESS": "60 per minute; 300 per hour",
        "CODE_MISSES_PER_ADDRESS": "30 per 10 minutes",
        "PIN_LIMIT_PER_PARTICIPANT": "30 per minute",
        "PIN_LIMIT_PER_WALK": "600 per minute",
        "MAX_PINS_PER_PARTICIPANT": 150,
        # Photos one app process decodes at once, and how long another waits for a turn (then 503).
        "PHOTO_CONCURRENCY": 2,
        "PHOTO_WAIT_SECONDS": 20.0,
        "PUBLIC_URL": None,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "PROXY_COUNT": 0,
        "CONTACT_EMAIL": "trygghet@varberg.se",
        # Outgoing mail (responsible parties' links and reminders) through SMTP. Without MAIL_SERVER
        # mail is printed to the console instead (development). MAIL_FROM: the sender, else CONTACT_EMAIL.
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "",
        "MAIL_TIMEOUT": 30,
        # A responsible party's personal link works this long; reminders (`flask remind`) go out for
        # items due within PARTY_REMIND_DAYS or overdue, at most once per PARTY_REMIND_DAYS.
        "PARTY_LINK_DAYS": 60,
        "PARTY_REMIND_DAYS": 7,
        "PARTY_LIMIT_PER_ADDRESS": "60 per 10 minutes",
        # An uploaded photo may be 25 MB; the form around it is small.
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024 + 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "sv",
        # The time zone of every date people type and read (Flask-Babel's follows it).
        "TIMEZONE": "Europe/Stockholm",
        # The one list of languages (walkapp/languages.py says what each covers).
        "LANGUAGES": ["sv", "en", "ar"],
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }


# Settings whose default is None, typed here; every other setting takes the type of its default.
TYPES: dict[str, type] = {
    "SECRET_KEY": str,
    "PUBLIC_URL": str,
    "SESSION_COOKIE_SECURE": bool,
    "REMEMBER_COOKIE_SECURE": bool,
    "MAX_CONTENT_LENGTH": int,
    "RETENTION_PHOTOS_DAYS": int,
    "RETENTION_COMMENTS_DAYS": int,
}
# Read from the environment although they have no default here (Flask's own and the tests').
KNOWN_ELSEWHERE = frozenset({"TEST_DATABASE_URL", "TEST_REDIS_URL", "TEST_S3"})
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def convert(key: str, text: str, default):
    """A WALKAPP_* value as the type its setting has (from its default, else TYPES); ValueError if it can't be."""
    kind = TYPES.get(key) or (type(default) if default is not None else str)
    if kind is bool:
        word = text.strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"{ENV_PREFIX}{key} must be true or false, got {text!r}")
        return word in _TRUE
    if kind in (int, float):
        try:
            return kind(text.strip())
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{key} must be a {kind.__name__}, got {text!r}") from None
    if kind in (list, tuple):
        return kind(part.strip() for part in text.split(",") if part.strip())
    if kind is dict:
        import json

        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError(f"{ENV_PREFIX}{key} must be a JSON object")
        return value
    return text


def from_environment(defaults_: dict, environ=os.environ) -> tuple[dict, list[str]]:
    """Every WALKAPP_* variable as a setting (prefix removed, typed like its default), and the unknown names."""
    out: dict = {}
    unknown: list[str] = []
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX):]
        if key in KNOWN_ELSEWHERE:
            continue
        if key not in defaults_ and key not in TYPES:
            unknown.append(name)
        out[key] = convert(key, value, defaults_.get(key))
    return out, sorted(unknown)


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
