"""PostgreSQL-only fast paths (binary COPY, binary and server-built reads, answers written
through a staging table), each behind the portable function that picks it."""
