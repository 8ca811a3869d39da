"""Make the audit table append-only in the database itself (see openbob.audit.guard).

RunPython rather than RunSQL because the SQL differs per vendor
(`schema_editor.connection.vendor`): SQLite triggers; PostgreSQL triggers plus
REVOKE UPDATE, DELETE, TRUNCATE FROM PUBLIC.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from openbob.audit import guard


def install_guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    guard.install(schema_editor.connection)


def remove_guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install_guard, remove_guard, elidable=False)]
