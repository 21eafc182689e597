from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_wal(sender, connection, **kwargs) -> None:
    """Switch a SQLite file to WAL once: readers then never wait for the writer. Setting
    it on every connection would take an exclusive lock each time."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")


class CoreConfig(AppConfig):
    name = "tinhso.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        connection_created.connect(_sqlite_wal, dispatch_uid="tinhso-sqlite-wal")
        from tinhso.core import links  # noqa: F401 - registers the site address check
