FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
 && DEBUG=on python manage.py collectstatic --noinput
USER nobody
EXPOSE 8000
CMD ["gunicorn", "coherence.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
