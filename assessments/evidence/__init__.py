"""Evidence documents attached to answers: checks, storage, services, pages and API."""
