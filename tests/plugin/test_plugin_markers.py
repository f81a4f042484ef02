"""The plugin's markers: `carriers_scenario` and `carriers_strict`, spelt as the fixtures are;
`carrier_scenario` still works with a deprecation warning; a misspelt one is an error."""

pytest_plugins = ["pytester"]

MARKED = """
import pytest
import requests

def login(carriers):
    return requests.post(carriers.url("bex") + "/api/service/login", timeout=5,
                         json={"username": "mock-bex-user", "password": "mock-bex-password"})

@pytest.mark.carriers_scenario("scenario.yaml")
def test_scenario(carriers):
    assert login(carriers).status_code == 503

@pytest.mark.carrier_scenario("scenario.yaml")
def test_the_old_spelling(carriers):
    assert login(carriers).status_code == 503

@pytest.mark.carrier_strict(False)
def test_misspelt_strict(carriers):
    pass

@pytest.mark.carriers_scenarios("scenario.yaml")
def test_misspelt_scenario(carriers):
    pass

@pytest.mark.carrier_api
def test_a_marker_of_the_users_own(carriers):
    assert login(carriers).status_code == 200
"""


def test_markers(pytester):
    pytester.makefile(".yaml", scenario="faults:\n  - {carrier: bex, effect: status, status: 503}\n")
    pytester.makeini("[pytest]\nmarkers =\n    carrier_api: the user's own marker\n")
    pytester.makepyfile(test_marked=MARKED)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines_random(
        [
            "*ERROR at setup of test_misspelt_strict*",
            "unknown marker @pytest.mark.carrier_strict (did you mean carriers_strict?): mock-carriers' markers are "
            "carriers_scenario, carriers_strict",
            "*ERROR at setup of test_misspelt_scenario*",
            "unknown marker @pytest.mark.carriers_scenarios (did you mean carriers_scenario?)*",
            "*PytestDeprecationWarning: @pytest.mark.carrier_scenario is deprecated: spell it "
            "@pytest.mark.carriers_scenario*",
        ]
    )
    assert result.stdout.str().count("is deprecated") == 1  # test_the_old_spelling only
