"""The Annex B grid (¶7, ¶9): its query filters, chart, tables, pages and downloads."""
