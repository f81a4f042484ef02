"""Where the shipped fixtures/, contracts/ and scenarios/ live: inside the wheel, or at the checkout's top."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """`kind` is "fixtures", "contracts" or "scenarios"; a wheel carries them under mock_carriers/_data/."""
    packaged = _PACKAGE / "_data" / kind
    return packaged if packaged.is_dir() else _PACKAGE.parent / kind
