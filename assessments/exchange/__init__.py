"""Data in and out as files: the response importer (CSV, XLSX) and the XLSX template of
an assessment (DESIGN §5)."""
