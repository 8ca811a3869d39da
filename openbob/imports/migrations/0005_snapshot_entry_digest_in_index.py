"""The snapshot entry index also holds the digest: two snapshots compare from the index.

It replaces the (snapshot, key) index, whose lookups it serves as well, so an import
still maintains one index per entry.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_snapshot_entry_one_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="snapshotentry",
            index=models.Index(
                fields=["snapshot", "key", "digest"], name="imports_sna_snapsho_6a0e7c_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="snapshotentry",
            name="imports_sna_snapsho_8abb32_idx",
        ),
    ]
