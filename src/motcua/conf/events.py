"""Settings of motcua.events (read from the environment); see the app's docs."""

import os as _os  # noqa: F401
