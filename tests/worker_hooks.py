"""Loaded into the test worker only (`celery worker --include tests.worker_hooks`).

When the file named by COHERENCE_PAUSE_FILE exists, the next recompute that writes
consolidated scores (the command's whole run, or one chunk of the task's) pauses after
writing and before committing — so that a test can look at the scores meanwhile, or kill
the worker mid-recompute — and removes the file, so a redelivered task runs through. It
goes on when `<pause file>.release` appears, or after 12 s (inside the test worker's time
limits)."""

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
        release = pause.with_name(pause.name + ".release")
        Path(f"{pause}.reached").touch()
        deadline = time.monotonic() + 12
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        release.unlink(missing_ok=True)


recompute._write_country_scores = _paused_write
