"""Tests of safeguards, mitigations and stock-taking (issue #16)."""
