"""The contract tells a reader what is certain: what no source shows is marked `x-mock-guess`."""

import pytest

from mock_carriers.core.fixtures import load_frozen
from mock_carriers.resources import data_dir

CONTRACT = load_frozen(data_dir("contracts") / "border-express.openapi.yaml")


def _at(pointer: str) -> dict:
    node = CONTRACT
    for part in pointer.split("/"):
        node = node[part.replace("~1", "/")]
    return node


@pytest.mark.parametrize(
    "pointer",
    [
        "components/headers/CacheControlNoCache",
        "components/headers/PragmaNoCache",
        "paths/~1token/post/responses/200/headers/Expires",
        "components/schemas/State",
        "components/schemas/Postcode",
    ],
)
def test_inferred_parts_are_marked_as_guesses(pointer):
    assert _at(pointer)["x-mock-guess"] is True


def test_unsaved_is_a_documented_status_value():
    assert "Unsaved" in _at("components/schemas/StatusEvent/properties/Status")["examples"]
