"""Settings for oidc (read from the environment)."""
