"""load_catalogue, setup_demo, import_responses, create_partner_token, recompute_scores."""
