"""The bench worker's peak memory counts a child process's memory too."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

from openbob.bench.worker import Footprint, _resident_kib

HOLD_400_MIB = "import time; block = bytearray(400 * 1024 * 1024); time.sleep(0.5)"


def test_the_footprint_adds_a_childs_memory_to_this_processs() -> None:
    footprint = Footprint()
    subprocess.run([sys.executable, "-c", HOLD_400_MIB], check=True)
    peak_mb = footprint.stop()
    assert peak_mb >= _resident_kib(os.getpid()) / 1024 + 390


def test_without_children_the_footprint_is_at_least_this_processs_own_peak() -> None:
    peak_mb = Footprint().stop()
    assert peak_mb == resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
