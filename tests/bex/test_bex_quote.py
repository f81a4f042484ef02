"""Quotes: deterministic prices from weight, volume and service; numbers as strings; account check."""

import pytest

from conftest import BEX, bex_token

QUOTE = f"{BEX}/api/service/getquoteservicedeliverypricingv2"
BODY = {"accountNumber": "ACC1001", "totalWeight": "5", "dimMass": "24000", "originSuburb": "Sandton",
        "destinationSuburb": "Cape Town City Centre", "dispatchDate": "2026-12-04"}


@pytest.fixture
def quote(client):
    token = bex_token(client)
    return lambda body, **kw: client.post(QUOTE, headers={"token": token}, json=body, **kw).get_json()


def test_every_service_is_priced(quote):
    items = quote(BODY)["items"]
    assert [i["serviceCodeStr"] for i in items] == ["SDX", "DBD", "ONC", "NCA", "BUD"]
    onc = items[2]
    assert onc["originBranchStr"] == "JNB" and onc["destinationBranchStr"] == "CPT"
    assert onc["customerChargeableWeight"] == 5.0
    assert onc["baseRateTotal"] == round(145 + 6.2 * 5, 2)
    assert onc["subTotal"] == round(onc["baseRateTotal"] + onc["surchargeTotal"], 2)
    assert onc["totalCharges"] == round(onc["subTotal"] + onc["vat"], 2)
    assert onc["isDeliveryGuaranteed"] == "False" and items[0]["isDeliveryGuaranteed"] == "True"
    assert onc["scheduleBy"] == "2026-12-04 16:00:00" and onc["estimatedDeliveryDateAndTime"] == "2026-12-05 17:00:00"


def test_prices_are_deterministic_and_volume_counts(quote):
    assert quote(BODY) == quote(BODY)
    bulky = quote({**BODY, "dimMass": 100_000})["items"][2]
    assert bulky["customerChargeableWeight"] == 20.0


def test_numbers_may_be_strings_or_numbers(quote):
    assert quote({**BODY, "totalWeight": 5, "dimMass": 24000}) == quote(BODY)


def test_coordinates_win_over_suburbs(quote):
    near_durban = {**BODY, "destinationSuburb": "Sandton", "destinationLatCoord": "-29.7", "destinationLongCoord": "31.0"}
    assert quote(near_durban)["items"][0]["destinationSuburb"] == "Umhlanga"


def test_saturday_dispatch_adds_sursat(quote):
    assert quote({**BODY, "dispatchDate": "2026-12-05"})["items"][0]["surchargeAddons"] == "SURSAT"


@pytest.mark.parametrize("change, ex", [
    ({"accountNumber": "ACC9999"}, "Account number is not registered for transactions with this token."),
    ({"accountNumber": ""}, "accountNumber is required."),
    ({"totalWeight": "heavy"}, "totalWeight must be a number greater than 0."),
    ({"totalWeight": "-1"}, "totalWeight must be a number greater than 0."),
    ({"originSuburb": "Atlantis"}, "Unable to resolve the origin suburb 'Atlantis'."),
    ({"dispatchDate": "next week"}, "dispatchDate 'next week' is not a date (yyyy-MM-dd)."),
    ({"totalWeight": 1e308}, "totalWeight must be a number greater than 0."),
    ({"dispatchDate": "9999-12-31"}, "dispatchDate '9999-12-31' is not a date (yyyy-MM-dd)."),
    ({"dispatchDate": "0999-06-01"}, "dispatchDate '0999-06-01' is not a date (yyyy-MM-dd)."),
])
def test_business_errors_are_200_with_ex(quote, change, ex):
    assert quote({**BODY, **change}) == {"id": 0, "ex": ex}


def test_quote_needs_the_token_header(client):
    response = client.post(QUOTE, json=BODY)
    assert response.status_code == 200 and response.get_json()["ex"].startswith("Access to 'Service.getquote")
    download_token = bex_token(client, alternate=True)
    assert "ex" in client.post(QUOTE, json=BODY, headers={"token": download_token}).get_json()
