"""Deprecated: the old name of `mock_carriers.conformance`, kept so existing imports work. It was
renamed so it no longer reads as `mock_carriers.core.contracts`, the mock's own contract machinery."""

import warnings

from mock_carriers.conformance import Violation, carriers, operation_for, validate_request, validate_response

__all__ = ["Violation", "carriers", "operation_for", "validate_request", "validate_response"]

warnings.warn(
    "mock_carriers.contracts is renamed mock_carriers.conformance; import that instead",
    DeprecationWarning,
    stacklevel=2,
)
