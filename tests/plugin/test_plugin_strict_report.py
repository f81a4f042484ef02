"""Strict mode's report in a user's suite: a test that broke a contract shows the violations also
when it failed for another reason, above all its client raising on the refusing 400."""

pytest_plugins = ["pytester"]

FAILING = """
import pytest, requests

AUTH = {"Authorization": "Token mock-b360-token"}

def products(carriers):
    return carriers.url("borderless360") + "/api/v1/public_api/products/"

def test_the_client_raises_on_the_refusal(carriers):
    requests.post(products(carriers), json={"sku": 7, "title": "x"}, headers=AUTH, timeout=5).raise_for_status()

def test_an_assertion_fails_after_it(carriers):
    answer = requests.post(products(carriers), json={"sku": 8, "title": "x"}, headers=AUTH, timeout=5)
    assert answer.status_code == 201

def test_the_test_fails_itself_without_a_traceback(carriers):
    requests.post(products(carriers), json={"sku": 9, "title": "x"}, headers=AUTH, timeout=5)
    pytest.fail("the product was not created", pytrace=False)

def test_a_failure_with_no_violation(carriers):
    assert requests.get(products(carriers), headers=AUTH, timeout=5).status_code == 418

@pytest.mark.carriers_strict(False)
def test_a_lenient_failure(carriers):
    requests.post(products(carriers), json={"sku": 10, "title": "x"}, headers=AUTH, timeout=5)
    assert False, "fails for a reason of its own"
"""


def test_a_test_that_failed_anyway_shows_its_violations(pytester):
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=5)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*_ test_the_client_raises_on_the_refusal _*",
            "E * requests.exceptions.HTTPError: 400 Client Error*",
            "*- mock-carriers strict mode -*",
            "mock-carriers strict mode: requests broke the carriers' contracts (1 violation)",
            "  POST /ns/*/borderless360/api/v1/public_api/products/ -> 400",
            "    body $.sku: 7 is not of type 'string' [[]rule: type; borderless360:createProduct[]]",
            "*_ test_an_assertion_fails_after_it _*",
            "E       assert 400 == 201",
            "*- mock-carriers strict mode -*",
            "    body $.sku: 8 is not of type 'string'*",
            "*_ test_the_test_fails_itself_without_a_traceback _*",
            "the product was not created",
            "mock-carriers strict mode: requests broke the carriers' contracts (1 violation)",
            "    body $.sku: 9 is not of type 'string'*",
        ]
    )
    assert out.count("mock-carriers strict mode: requests broke") == 3  # once each, not for the others
    assert "$.sku: 10" not in out


def test_the_report_shows_with_show_capture_off(pytester):
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--show-capture=no", "-k", "raises_on_the_refusal")
    result.assert_outcomes(failed=1, deselected=4)
    result.stdout.fnmatch_lines(["*body $.sku: 7 is not of type 'string'*"])
