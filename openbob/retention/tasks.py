"""The retention task `bob worker` runs: one Pacific day's sync (Django Tasks, database backend).

The shared scheduler queues it once a day (`openbob.retention.periodic`); the sync's
own `SyncRun` row makes running it for a day a second time (a retry, a manual
`bob retention sync`) a no-op.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django_tasks import task

from openbob.retention.sync import sync


@task()
def sync_retention(period: str) -> dict[str, object]:
    """Sync the cases of day `period` (a Pacific date); returns what the sync did."""
    return asdict(sync(today=date.fromisoformat(period)))
