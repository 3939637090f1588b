"""Stock-taking in an assessment: the country's instruments, interactions, mitigations."""
