"""The framework, assessments and answers, the workflow, scoring, import/export, dashboards."""
