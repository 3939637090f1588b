"""PostgreSQL fast paths (binary COPY and reads, bulk answer writes), behind portable twins."""
