"""Secrets the bundled identity provider keeps in the var directory.

Read by ``motcua.conf.oidc`` while the settings load, so this module imports
nothing from Django. Each secret is created once, readable by its owner only
(mode 0600), and published atomically: it is written to a private temporary file
that is then hard-linked to its final name, so a process starting at the same
moment either wins the race or reads the complete secret the winner wrote.
"""

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def generate_rsa_private_key_pem(bits: int = 2048) -> str:
    """A new RSA private key in PKCS#8 PEM, the format DOT's ``OIDC_RSA_PRIVATE_KEY`` takes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The secret stored at ``path``; created with ``make()`` (mode 0600) when missing.

    Raises ``OSError`` when the directory is not writable and the file does not exist.
    """
    path = Path(path)
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # atomic; fails if another process got there first
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text()


def read_or_create_rsa_private_key(path: Path) -> str:
    """The provider's ID-token signing key (PEM) stored at ``path``, generated once."""
    return read_or_create(path, generate_rsa_private_key_pem)


def read_or_create_client_secret(path: Path) -> str:
    """The demo client's secret stored at ``path``, generated once (URL-safe, 256 bits)."""
    return read_or_create(path, lambda: secrets.token_urlsafe(32)).strip()
