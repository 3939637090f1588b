"""Data in and out as files: the response importer (CSV, XLSX) and an assessment's XLSX template."""
