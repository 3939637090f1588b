"""The Celery app.

With REDIS_URL set, tasks go through Redis to a worker; without it they run in
process (eager). Services queue them with `delay_on_commit`, so either way a task
runs only after its transaction commits, and never for a rolled-back one.
Configuration is read from the CELERY_* settings (coherence/settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")

app = Celery("coherence")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
