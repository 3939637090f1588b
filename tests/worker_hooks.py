"""Loaded into the test worker only (`celery worker --include tests.worker_hooks`).

When the file named by COHERENCE_PAUSE_FILE exists, the next full recompute pauses
after computing and before committing its scores — long enough for a test to kill the
worker mid-recompute — and removes the file, so the redelivered task runs through."""

import os
import time
from pathlib import Path

from assessments import recompute

_write = recompute._write_country_scores


def _paused_write(scores, framework_id):
    _write(scores, framework_id)
    pause = Path(os.environ.get("COHERENCE_PAUSE_FILE", "/nonexistent"))
    if pause.exists():
        pause.unlink()
        Path(f"{pause}.reached").touch()
        time.sleep(60)


recompute._write_country_scores = _paused_write
