"""Small helpers shared by the apps: one copy of each, with its own tests.

Not a Django app (no models, not in ``INSTALLED_APPS``). It imports only the standard
library, Django and third-party packages, never a MotCua app; any app may import it,
the simulators (``paygate``, ``registrysim``) included.
"""
