"""Settings for registries (read from the environment)."""
