"""The thread `bob worker` runs beside the task loop: it calls `tick` every minute.

Every worker runs one; the unique key in `tick` makes that safe, and it means periodic
jobs need no cron and no separate process.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from openbob.scheduling.registry import tick

log = logging.getLogger(__name__)
TICK_SECONDS = 60.0


def start(stop: threading.Event, interval: float = TICK_SECONDS) -> threading.Thread:
    """Start the ticking thread; it ends soon after `stop` is set."""
    thread = threading.Thread(target=_loop, args=(stop, interval), name="scheduler", daemon=True)
    thread.start()
    return thread


def _loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            for run in tick():
                log.info("queued periodic job %s for %s", run.job, run.period)
        except Exception:
            # A database hiccup must not kill the scheduler for the worker's lifetime.
            log.exception("periodic tick failed; trying again in %s s", interval)
        stop.wait(interval)
    connection.close()
