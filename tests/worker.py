"""A real Celery worker process on Redis, consuming tasks against the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOFT_TIME_LIMIT, TIME_LIMIT, VISIBILITY_TIMEOUT = 15, 20, 25


def database_url(settings_dict) -> str:
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{password}" if password else user
    return f"postgresql://{auth}@{host}:{port}/{settings_dict['NAME']}"


def _die_with_parent() -> None:
    """In the worker's process: receive SIGTERM when the test process dies, however it
    dies, so that no worker outlives its test run and takes the next run's tasks."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Worker:
    def __init__(self, database: str, pause_file: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database,
            # Short, so that a test sees a dead worker's task redelivered within seconds.
            "CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT),
            "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_TASK_REJECT_ON_WORKER_LOST": "on",
            "COHERENCE_PAUSE_FILE": str(pause_file),
        }
        self.pause_file = pause_file
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "test-artifacts" / "celery-worker.log"

    def start(self) -> None:
        self.log.parent.mkdir(exist_ok=True)
        celery = str(Path(sys.executable).with_name("celery"))
        self.process = subprocess.Popen(  # noqa: S603
            [
                celery,
                "-A",
                "coherence",
                "worker",
                "-Q",
                "celery,heavy",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--include",
                "tests.worker_hooks",
                "--loglevel",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from coherence.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited; see {self.log}")
            replies = app.control.ping(timeout=1.0)
            if replies:
                return
        raise RuntimeError(f"the worker did not answer in {timeout} s; see {self.log}")

    def pause(self) -> None:
        """Pause the next recompute before it commits (tests/worker_hooks.py)."""
        self.marker("reached").unlink(missing_ok=True)
        self.marker("release").unlink(missing_ok=True)
        self.pause_file.touch()

    def wait_paused(self) -> None:
        wait_for(lambda: self.marker("reached").exists())

    def release(self) -> None:
        self.marker("release").touch()

    def marker(self, suffix: str) -> Path:
        return self.pause_file.with_name(f"{self.pause_file.name}.{suffix}")

    def kill(self) -> None:
        """SIGKILL the whole worker, its parent with its children, as when its machine is
        lost: nobody acknowledges or rejects the message it was running."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def child_pids(self) -> list[int]:
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,  # noqa: S607
        ).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_for(predicate, timeout: float = 45, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"not true after {timeout} s: {predicate.__doc__ or predicate}")
