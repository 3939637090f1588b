"""The Annex B grid (¶7, ¶9): instruments by governance level and tool type — its query
filters, chart, tables, pages and downloads.
"""
