FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# The locked runtime dependencies first (every pin checked against its hashes), so the
# layer is rebuilt only when the lock changes; the project on top, without dependencies.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
 && DEBUG=on python manage.py collectstatic --noinput \
 && mkdir -p /data/evidence && chown nobody /data/evidence
USER nobody
EXPOSE 8000
CMD ["gunicorn", "coherence.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
