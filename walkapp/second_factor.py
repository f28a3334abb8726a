"""Time-based one-time codes (RFC 6238) from an authenticator app, by pyotp. No Flask here.

Staff see minors' photos and words, so admins must use a second factor and leaders and planners may.
A code is accepted one step (30 s) early or late, and never twice: the step used is remembered.
"""

from __future__ import annotations

import hmac
import re
import time

import pyotp

ISSUER = "Trygghetsvandring"
_CODE = re.compile(r"[0-9]{6}")


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def accepted_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step the code belongs to if it is right and newer than `last_step`, else None."""
    code = re.sub(r"\s", "", code or "")
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    for offset in (0, -1, 1):
        moment = now + offset * totp.interval
        step = totp.timecode(_as_datetime(moment))
        if hmac.compare_digest(totp.at(moment), code) and (last_step is None or step > last_step):
            return step
    return None


def _as_datetime(moment: float):
    import datetime as dt

    return dt.datetime.fromtimestamp(moment, dt.UTC)
