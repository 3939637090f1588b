"""What every endpoint of the REST API shares (DESIGN §6), one module a concern."""
