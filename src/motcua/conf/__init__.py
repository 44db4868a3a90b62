"""Settings files: ``env`` (the environment reader and its registry), ``base`` (values
shared by all), ``checks`` (system checks), and the settings owned by single apps, imported
at the end of motcua.settings."""
