"""The dashboards (DESIGN §8): a country's stored scores, the cross-country comparison,
instrument interactions and actors' interests, each a module of views with its tables and
charts. They read stored scores only, one query per dataset; every chart's numbers are in a
table on the page, and every table exports as CSV and XLSX (coherence.tables).
"""
