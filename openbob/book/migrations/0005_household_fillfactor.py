"""Leave room in each PostgreSQL page of `book_household` for its weekly updates.

An import updates about one household in ten each week. PostgreSQL can rewrite a row
in place of its page (a "HOT" update, with no new entry in any of the table's indexes)
only when the page has room for the new version; a table filled to 100% never has, so
every update wrote an entry into each of its 28 indexes. At 85% most updates find room.
New pages follow the setting at once; existing rows move to such pages as they are
rewritten (or all at once with `VACUUM FULL book_household`). SQLite has no such option.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FILLFACTOR = 85


def _leave_room(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE book_household SET (fillfactor = {FILLFACTOR})")


def _fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE book_household RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("book", "0004_household_consent_and_notices")]

    operations = [migrations.RunPython(_leave_room, _fill, elidable=False)]
