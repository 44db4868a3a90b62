"""Settings owned by single apps, imported at the end of motcua.settings."""
