"""Stakeholders, their interests, and users' memberships and roles."""
