"""Celery tasks of accounts: thin, they call a service."""

from celery import shared_task

from actors import services


@shared_task(acks_late=True, ignore_result=True)
def send_password_reset(email: str, *, domain: str, use_https: bool, language: str) -> None:
    services.send_password_reset(email, domain=domain, use_https=use_https, language=language)
