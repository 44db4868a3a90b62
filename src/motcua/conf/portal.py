"""Settings for portal (read from the environment)."""
