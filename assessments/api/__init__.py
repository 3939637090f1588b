"""The API of the framework, assessments and consolidated scores (DESIGN §6, §7)."""
