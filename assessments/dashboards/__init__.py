"""The dashboards (DESIGN §8): country, comparison, interactions, interests, with charts."""
