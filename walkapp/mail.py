"""Outgoing mail: Flask-Mailman over SMTP (WALKAPP_MAIL_*), or the console in development.

A page never waits for the mail server: `send_later` puts the message on this process's queue and
one background thread sends it. Mail still in the queue when the process stops is lost (the log
says what was sent and what failed); the planner sends again. Commands (`flask remind`) have no
page to keep fast and send at once, so they know what went out before they exit.
"""

from __future__ import annotations

import logging
import queue
import threading

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives, Mail

log = logging.getLogger(__name__)
mail = Mail()

_STOP = object()


def install(app: Flask) -> None:
    """Map our settings to Flask-Mailman's and bind it: SMTP when MAIL_SERVER is set, else the console."""
    cfg = app.config
    cfg["MAIL_DEFAULT_SENDER"] = cfg["MAIL_FROM"] or cfg["CONTACT_EMAIL"]
    cfg.setdefault("MAIL_BACKEND", "smtp" if cfg["MAIL_SERVER"] else "console")
    mail.init_app(app)


def message(to: str, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    """A mail with a plain-text body and the same in HTML, from the configured sender."""
    msg = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    msg.attach_alternative(html, "text/html")
    return msg


def send_now(msg: EmailMultiAlternatives) -> None:
    """Send at once (commands); raises when the mail server refuses."""
    with mail.get_connection() as connection:
        connection.send_messages([msg])


def send_later(msg: EmailMultiAlternatives) -> None:
    """Queue the mail for this process's sender thread and return at once."""
    app = current_app._get_current_object()
    _outbox(app).put(msg)


class _Outbox:
    """A queue and the one daemon thread that empties it (started with the first mail, not with the app)."""

    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="walkapp-mail", daemon=True)
        self.thread.start()

    def put(self, msg) -> None:
        self.queue.put(msg)

    def _run(self) -> None:
        while True:
            msg = self.queue.get()
            if msg is _STOP:
                return
            try:
                with self.app.app_context():
                    send_now(msg)
                log.info("Mail sent to %s: %s", ", ".join(msg.to), msg.subject)
            except Exception:  # noqa: BLE001 — a failed mail must not end the thread
                log.exception("Mail to %s could not be sent: %s", ", ".join(msg.to), msg.subject)
            finally:
                self.queue.task_done()


_lock = threading.Lock()


def _outbox(app: Flask) -> _Outbox:
    with _lock:
        box = app.extensions.get("walkapp_outbox")
        if box is None:
            box = app.extensions["walkapp_outbox"] = _Outbox(app)
        return box


def wait_until_sent(app: Flask) -> None:
    """Block until the queue is empty (tests, and a clean stop)."""
    box = app.extensions.get("walkapp_outbox")
    if box is not None:
        box.queue.join()
