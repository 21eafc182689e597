"""WSGI entry point for gunicorn and other servers."""

import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Load the field classifier (scikit-learn and the active model) while the process
    starts, so the first keystroke on the hotline gets its proposal at once."""
    from django.db import connection

    try:
        from tinhso.feedback.classify import proposer

        proposer().propose("khởi động", k=1)
    except Exception:  # noqa: BLE001, S110 - a cold start is only slower, never broken
        pass
    finally:
        connection.close()


threading.Thread(target=_warm, name="warm-classifier", daemon=True).start()
