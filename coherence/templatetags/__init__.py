"""Template filters every page shares."""
