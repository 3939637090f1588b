"""Peak memory of the web process while it takes evidence uploads.

`python -m bench.evidence_rss` (after `make run`'s migrate and setup_demo, on the same
database) serves the app with gunicorn (one sync worker), and for each case starts a fresh
worker, warms it with a tiny upload, then streams the case's file to
assessments/{id}/answers/{indicator}/documents/ from this process in 64 KB pieces; it
prints the worker's peak resident memory (VmHWM) after the warm-up and after the case,
the difference, the status and the seconds. Files are stored in a temporary folder.
"""

import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
MB = 2**20
BOUNDARY = "evidence-bench-boundary"


def _setup() -> tuple[int, str]:
    """A draft of focal-phl's actor to attach to, and an API key for focal-phl."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from actors.models import Actor
    from assessments.models import Assessment
    from assessments.services import create_assessment
    from coherence.api.authentication import issue_token

    user = get_user_model().objects.get(username="focal-phl")
    actor = Actor.objects.get(members__user=user)
    draft = Assessment.objects.filter(actor=actor, state="draft").first()
    if draft is None:
        taken = set(Assessment.objects.filter(actor=actor).values_list("cycle", flat=True))
        cycle = next(year for year in range(2030, 2100) if year not in taken)
        draft = create_assessment(actor=actor, cycle=cycle, by=user)
    return draft.pk, issue_token(user)


def _files(folder: Path) -> dict[str, Path]:
    from tests.evidence_files import PDF, zip_bomb

    made = {
        "tiny.pdf": PDF,
        "20mb.pdf": PDF + b"\x00" * (20 * MB - len(PDF) - 1024),
        "25mb.pdf": PDF + b"\x00" * (25 * MB),
        "bomb.docx": zip_bomb(2048),
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def _upload(path: Path, url: str, key: str) -> tuple[int, dict | list, float]:
    """POST one file as multipart, streamed from disk: this process never holds it."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    size = len(head) + path.stat().st_size + len(tail)

    def body():
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(64 * 1024):
                yield chunk
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    started = time.perf_counter()
    connection.request(
        "POST",
        url,
        body=body(),
        headers={
            "Authorization": f"Token {key}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(size),
        },
    )
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    return response.status, payload, time.perf_counter() - started


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _serve(env: dict) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(  # noqa: S603 — this interpreter's gunicorn, our own app
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "coherence.wsgi",
            "--workers=1",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout=120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return server, int(children[0])


def main() -> int:
    assessment, key = _setup()
    url = f"/api/v1/assessments/{assessment}/answers/H-INS-01/documents/"
    folder = Path(tempfile.mkdtemp())
    env = {**os.environ, "EVIDENCE_ROOT": str(folder / "stored"), "DEBUG": "on"}
    rows = []
    try:
        files = _files(folder)
        for name in ("20mb.pdf", "25mb.pdf", "bomb.docx"):
            server, worker = _serve(env)
            try:
                _upload(files["tiny.pdf"], url, key)
                warm = _peak_kb(worker)
                status, payload, seconds = _upload(files[name], url, key)
                peak = _peak_kb(worker)
            finally:
                server.terminate()
                server.wait(timeout=30)
            said = payload["error"]["message"][:70] if status >= 400 else "stored"
            rows.append((name, files[name].stat().st_size, warm, peak, status, seconds, said))
    finally:
        shutil.rmtree(folder)
    out = io.StringIO()
    out.write(f"{'file':10} {'bytes':>10} {'warm MB':>8} {'peak MB':>8} {'added':>7}  status\n")
    for name, size, warm, peak, status, seconds, said in rows:
        out.write(
            f"{name:10} {size:>10} {warm / 1024:>8.1f} {peak / 1024:>8.1f} "
            f"{(peak - warm) / 1024:>7.1f}  {status} in {seconds:.2f} s: {said}\n"
        )
    print(out.getvalue(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
