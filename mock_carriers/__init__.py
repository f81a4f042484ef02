"""mock-carriers: an offline sandbox that speaks real parcel carriers' HTTP APIs.

The public API is kept import-light: `create_app` and `MockCarriers` load Flask and the
carriers only when first used, so `import mock_carriers` (and the pytest plugin) stay cheap.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what a type checker sees; at run time __getattr__ imports them on first use
    from mock_carriers.app import create_app
    from mock_carriers.client import MockCarriers
    from mock_carriers.settings import Settings

__version__ = "0.1.0"

__all__ = ["create_app", "MockCarriers", "Settings", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mock_carriers.app import create_app

        return create_app
    if name == "MockCarriers":
        from mock_carriers.client import MockCarriers

        return MockCarriers
    if name == "Settings":
        from mock_carriers.settings import Settings

        return Settings
    raise AttributeError(name)
