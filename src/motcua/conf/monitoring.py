"""Settings for monitoring (read from the environment)."""
