"""Make the audit log append-only in the database itself: UPDATE is refused by a trigger,
whatever code path tries it. (DELETE stays possible at the database level so that a test
database can be flushed; the model and its queryset refuse it.)"""

from django.db import migrations

SQLITE = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'core_auditentry is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_update();
"""
DROP = {
    "sqlite": "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "postgresql": (
        "DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;"
        "DROP FUNCTION IF EXISTS core_auditentry_refuse_update();"
    ),
}


def create(apps, schema_editor):
    sql = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    sql = DROP.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
