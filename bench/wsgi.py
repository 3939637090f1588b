import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from coherence.wsgi import application  # noqa: E402

__all__ = ["application"]
