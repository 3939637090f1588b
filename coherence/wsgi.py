"""The WSGI application gunicorn serves."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
application = get_wsgi_application()

# Import every view now rather than on the first requests, then move all that is loaded out
# of the garbage collector's sight: otherwise each full collection walks every module's
# objects again and stalls the worker for 70–130 ms (measured under `make bench`), which
# is what a partner's slowest requests waited on.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
