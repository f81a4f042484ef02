"""Quotes: deterministic prices from weight, volume, service and the places' rate categories;
numbers as strings; the token's accounts; real South African places found by coordinates, suburb,
postcode or town."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BEX, bex_token, examples

from mock_carriers.carriers.bex.places import packaged_places

QUOTE = f"{BEX}/api/service/getquoteservicedeliverypricingv2"
BODY = {
    "accountNumber": "ACC1001",
    "totalWeight": "5",
    "dimMass": "24000",
    "originSuburb": "Sandton",
    "destinationSuburb": "Cape Town City Centre",
    "dispatchDate": "2026-12-04",
}


@pytest.fixture
def quote(client):
    token = bex_token(client)
    return lambda body, **kw: client.post(QUOTE, headers={"token": token}, json=body, **kw).get_json()


def test_every_service_is_priced(quote):
    items = quote(BODY)["items"]
    assert [i["serviceCodeStr"] for i in items] == ["SDX", "DBD", "ONC", "NCA", "BUD"]
    onc = items[2]
    assert (onc["originSuburb"], onc["originCity"], onc["originBranchStr"], onc["originHub"]) == (
        "SANDTON",
        "SANDTON",
        "JOHANNESBURG",
        "JNB",
    )
    assert (onc["destinationSuburb"], onc["destinationCity"], onc["destinationBranchStr"], onc["destinationHub"]) == (
        "CAPE TOWN CITY CENTRE",
        "CAPE TOWN",
        "CAPE TOWN",
        "CPT",
    )
    assert onc["originRateCategory"] == onc["destinationRateCategory"] == "MAJOR"
    assert (onc["originLocationCode"], onc["destinationLocationCode"]) == ("JNB", "CPT")
    assert onc["serviceNameStr"] == "OVERNIGHT COURIER" and onc["otherSurcharges"] == 0
    assert onc["customerChargeableWeight"] == 5.0
    assert onc["baseRateTotal"] == round(145 + 6.2 * 5, 2)
    assert onc["subTotal"] == round(onc["baseRateTotal"] + onc["surchargeTotal"], 2)
    assert onc["totalCharges"] == round(onc["subTotal"] + onc["vat"], 2)
    assert onc["isDeliveryGuaranteed"] == "False" and items[0]["isDeliveryGuaranteed"] == "True"
    assert onc["scheduleBy"] == "2026-12-04 16:00:00" and onc["estimatedDeliveryDateAndTime"] == "2026-12-05 17:00:00"


def test_prices_are_deterministic_and_volume_counts(quote):
    assert quote(BODY) == quote(BODY)
    bulky = {item["serviceCodeStr"]: item for item in quote({**BODY, "dimMass": 100_000})["items"]}
    assert bulky["ONC"]["customerChargeableWeight"] == 20.0  # 100000 / 5000: the air services' ratio
    assert bulky["NCA"]["customerChargeableWeight"] == 25.0  # 100000 / 4000: the road services'


def test_insurance_required_is_a_number_as_in_both_samples(quote):
    assert all(
        item["insuranceRequired"] == 0 and isinstance(item["insuranceRequired"], float) for item in quote(BODY)["items"]
    )


def test_no_account_number_quotes_for_the_tokens_default_account(quote):
    without = quote({key: value for key, value in BODY.items() if key != "accountNumber"})
    assert without == quote(BODY)
    assert {item["customerName"] for item in without["items"]} == {"KAROO COFFEE ROASTERS (PTY) LTD"}
    assert quote({**BODY, "accountNumber": "ACC1002"})["items"][0]["customerName"] == "KAROO COFFEE ROASTERS WHOLESALE"


def test_a_remote_town_adds_days_and_a_surcharge(quote):
    """The docs' own pair: Aggeneys (REMOTE, served from Cape Town) to Croydon, Kempton Park."""
    onc = quote({**BODY, "originSuburb": "Aggeneys", "destinationSuburb": "Croydon"})["items"][2]
    assert (
        onc["originSuburb"],
        onc["originCity"],
        onc["originRateCategory"],
        onc["originBranchStr"],
        onc["originHub"],
        onc["originLocationCode"],
    ) == ("AGGENEYS", "AGGENEYS", "REMOTE", "CAPE TOWN", "CPT", "")
    assert (onc["destinationCity"], onc["destinationRateCategory"], onc["destinationBranchStr"]) == (
        "KEMPTON PARK",
        "MAJOR",
        "JOHANNESBURG",
    )
    assert onc["estimatedTransitDays"] == onc["scheduledTransitDays"] == 4
    assert onc["otherSurcharges"] == 120 and onc["surchargeTotal"] == round(onc["fuel"] + 120, 2)
    assert onc["subTotal"] == round(onc["baseRateTotal"] + onc["surchargeTotal"], 2)


def test_numbers_may_be_strings_or_numbers(quote):
    assert quote({**BODY, "totalWeight": 5, "dimMass": 24000}) == quote(BODY)


def test_coordinates_win_over_suburbs(quote):
    near_durban = {
        **BODY,
        "destinationSuburb": "Sandton",
        "destinationLatCoord": "-29.7260",
        "destinationLongCoord": "31.0835",
    }
    assert quote(near_durban)["items"][0]["destinationSuburb"] == "UMHLANGA"
    far_away = {**BODY, "destinationLatCoord": "51.5", "destinationLonCoord": "-0.12"}  # London: names decide
    assert quote(far_away)["items"][0]["destinationSuburb"] == "CAPE TOWN CITY CENTRE"
    nowhere = {**BODY, "destinationSuburb": "", "destinationLatCoord": "0", "destinationLonCoord": "0"}
    assert quote(nowhere) == {"id": 0, "ex": "Unable to resolve the destination suburb ''."}


@pytest.mark.parametrize(
    "suburb, postcode, found",
    [
        ("Rosebank", "2196", ("ROSEBANK", "JOHANNESBURG")),
        ("rosebank", "7700", ("ROSEBANK", "CAPE TOWN")),
        ("Wynberg", "7800", ("WYNBERG", "CAPE TOWN")),
        ("Ballito", "4319", ("BALLITO", "BALLITO")),
        ("Sunset Estate", "2128", ("SUNSET ESTATE", "SANDTON")),  # a suburb the table lacks: its postcode decides
        ("", "0081", ("MENLO PARK", "PRETORIA")),
        ("Somewhere New", "6536", ("SOMEWHERE NEW", "GEORGE")),  # the nearest postcode of the same area
    ],
)
def test_suburbs_are_found_by_name_and_postcode(quote, suburb, postcode, found):
    item = quote({**BODY, "destinationSuburb": suburb, "destinationPostCode": postcode})["items"][0]
    assert (item["destinationSuburb"], item["destinationCity"]) == found


PLACES = packaged_places()


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), by=st.sampled_from(["name", "coordinates"]))
def test_every_packaged_place_quotes_by_name_or_coordinates(quote, place, by):
    where = (
        {"destinationSuburb": place.suburb.upper(), "destinationPostCode": place.postcode}
        if by == "name"
        else {"destinationSuburb": "", "destinationLatCoord": str(place.lat), "destinationLonCoord": str(place.lon)}
    )
    item = quote({**BODY, **where})["items"][0]
    same = [p for p in PLACES if (p.lat, p.lon) == (place.lat, place.lon)]  # two names for one centre, or one
    assert (item["destinationSuburb"], item["destinationCity"]) in {(p.suburb.upper(), p.town.upper()) for p in same}
    assert item["destinationHub"] == place.hub and item["destinationRateCategory"] == place.rate_category


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_any_coordinates_find_a_place_within_100_km_or_none(quote, lat, lon):
    body = quote({**BODY, "destinationSuburb": "", "destinationLatCoord": lat, "destinationLonCoord": lon})
    if "ex" in body:
        assert body["ex"] == "Unable to resolve the destination suburb ''."
        assert all(place.km_to(lat, lon) > 100 for place in PLACES) or (lat, lon) == (0, 0)
    else:
        name = body["items"][0]["destinationSuburb"]
        assert min(p.km_to(lat, lon) for p in PLACES if p.suburb.upper() == name) <= 100


def test_saturday_dispatch_adds_sursat(quote):
    assert quote({**BODY, "dispatchDate": "2026-12-05"})["items"][0]["surchargeAddons"] == "SURSAT"


@pytest.mark.parametrize(
    "change, ex",
    [
        ({"accountNumber": "ACC9999"}, "Account number is not registered for transactions with this token."),
        ({"totalWeight": "heavy"}, "totalWeight must be a number greater than 0."),
        ({"totalWeight": "-1"}, "totalWeight must be a number greater than 0."),
        ({"originSuburb": "Atlantis on Sea"}, "Unable to resolve the origin suburb 'Atlantis on Sea'."),
        ({"originSuburb": "", "originPostCode": "1"}, "Unable to resolve the origin suburb '1'."),
        ({"dispatchDate": "next week"}, "dispatchDate 'next week' is not a date (yyyy-MM-dd)."),
        ({"totalWeight": 1e308}, "totalWeight must be a number greater than 0."),
        ({"dispatchDate": "9999-12-31"}, "dispatchDate '9999-12-31' is not a date (yyyy-MM-dd)."),
        ({"dispatchDate": "0999-06-01"}, "dispatchDate '0999-06-01' is not a date (yyyy-MM-dd)."),
    ],
)
def test_business_errors_are_200_with_ex(quote, change, ex):
    assert quote({**BODY, **change}) == {"id": 0, "ex": ex}


def test_quote_needs_the_token_header(client):
    response = client.post(QUOTE, json=BODY)
    assert response.status_code == 200 and response.get_json()["ex"].startswith("Access to 'Service.getquote")
    download_token = bex_token(client, alternate=True)
    assert "ex" in client.post(QUOTE, json=BODY, headers={"token": download_token}).get_json()
