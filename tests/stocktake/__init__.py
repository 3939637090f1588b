"""Tests of safeguards, mitigations and stock-taking."""
