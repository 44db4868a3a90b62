"""Settings of motcua.api (read from the environment); see the app's docs."""

import os as _os  # noqa: F401
