"""Quotes and the reference data around them: countries, services, collection dates, drop shops,
customs requirements. Prices are deterministic; property tests hold the pricing invariants."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import P2G, bearer, examples, p2g_token, sandbox

DOCUMENTED = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}
SERVICE_KEYS = {
    "Slug",
    "Name",
    "CourierName",
    "CourierSlug",
    "CollectionType",
    "DeliveryType",
    "Classification",
    "DropOffProviderCode",
    "IsPrinterRequired",
    "MaxWeight",
    "MaxLength",
    "MaxWidth",
    "MaxHeight",
    "Links",
}


@pytest.fixture
def auth(client):
    return bearer(p2g_token(client))


def quote(client, auth, body=DOCUMENTED, **kwargs):
    return client.post(f"{P2G}/api/quotes", json=body, headers=auth, **kwargs)


def by_slug(response) -> dict:
    return {q["Service"]["Slug"]: q for q in response.get_json()["Quotes"]}


def test_the_documented_quote_request(client, auth):
    response = quote(client, auth)
    assert response.status_code == 200
    quotes = by_slug(response)
    assert set(quotes) == {"24h-example", "evri-parcelshop-drop-off", "dpd-next-day", "inpost-locker-to-door"}
    dpd = quotes["dpd-next-day"]
    assert set(dpd["Service"]) == SERVICE_KEYS
    assert dpd["Service"]["MaxLength"] == 1.75 and dpd["Service"]["MaxWeight"] == 30  # metres and kg
    assert (
        dpd["Service"]["DropOffProviderCode"] is None
        and quotes["evri-parcelshop-drop-off"]["Service"]["DropOffProviderCode"] == "EVRI"
    )
    assert dpd["TotalPriceExVat"] == 6.33 and dpd["TotalVat"] == 1.27 and dpd["TotalPrice"] == 7.60
    assert dpd["EstimatedDeliveryDate"].endswith("T00:00:00") and dpd["CutOff"].endswith(":00")
    prices = [q["TotalPrice"] for q in response.get_json()["Quotes"]]
    assert prices == sorted(prices)


def test_quotes_are_the_same_on_every_call(client, auth):
    assert quote(client, auth).get_json() == quote(client, auth).get_json()


def test_extras_are_priced_into_the_quote(client, auth):
    plain = by_slug(quote(client, auth))["dpd-next-day"]
    with_sms = by_slug(quote(client, auth, {**DOCUMENTED, "Extras": [{"Type": "Sms"}]}))["dpd-next-day"]
    assert with_sms["Extras"] == [{"Type": "Sms", "Amount": 0.3}]
    assert round(with_sms["TotalPriceExVat"] - plain["TotalPriceExVat"], 2) == 0.3  # Amount is ex VAT
    assert "Sms" not in [extra["Type"] for extra in with_sms["AvailableExtras"]]
    cover = next(e for e in plain["AvailableExtras"] if e["Type"] == "Cover")
    assert cover == {"Type": "Cover", "Price": 7.5, "Vat": 1.5, "Total": 9.0, "Details": None}  # the docs' example
    base = next(e for e in plain["AvailableExtras"] if e["Type"] == "ExtendedBaseCover")
    assert base["Details"] == {"IncludedCover": "20.00", "MaxWeight": "5.00"}


def test_cover_above_the_base_cover_costs_less(client, auth):
    both = by_slug(quote(client, auth, {**DOCUMENTED, "Extras": [{"Type": "ExtendedBaseCover"}, {"Type": "Cover"}]}))
    extras = {e["Type"]: e["Amount"] for e in both["dpd-next-day"]["Extras"]}
    assert extras == {"ExtendedBaseCover": 0.2, "Cover": 6.5}  # 5% of (150 - 20), ex VAT


@pytest.mark.parametrize("value, cover", [(150, 7.5), (300, 15.0), (301, 15.0), (5000, 15.0)])
def test_cover_protects_at_most_the_services_maximum(client, auth, value, cover):
    """ "to the value of your item, or maximum protection limit offered by the service - which ever
    is the lowest": Evri's limit in the fixtures is £300."""
    body = {**DOCUMENTED, "Parcels": [{**DOCUMENTED["Parcels"][0], "Value": value}], "Extras": [{"Type": "Cover"}]}
    evri = by_slug(quote(client, auth, body))["evri-parcelshop-drop-off"]
    assert evri["Extras"] == [{"Type": "Cover", "Amount": cover}]


def test_the_base_cover_counts_only_where_the_service_offers_it(client, auth):
    """InPost offers Cover but not ExtendedBaseCover: asking for both buys Cover on the whole value."""
    body = {**DOCUMENTED, "Extras": [{"Type": "ExtendedBaseCover"}, {"Type": "Cover"}]}
    inpost = by_slug(quote(client, auth, body))["inpost-locker-to-door"]
    assert inpost["Extras"] == [{"Type": "Cover", "Amount": 7.5}]
    assert by_slug(quote(client, auth, body))["dpd-next-day"]["Extras"][1] == {"Type": "Cover", "Amount": 6.5}


def test_the_base_cover_alone_covers_a_cheap_parcel(client, auth):
    body = {
        **DOCUMENTED,
        "Parcels": [{**DOCUMENTED["Parcels"][0], "Value": 15}],
        "Extras": [{"Type": "ExtendedBaseCover"}, {"Type": "Cover"}],
    }
    extras = {e["Type"]: e["Amount"] for e in by_slug(quote(client, auth, body))["dpd-next-day"]["Extras"]}
    assert extras == {"ExtendedBaseCover": 0.2, "Cover": 0}


def test_extras_may_be_bare_names(client, auth):
    named = by_slug(quote(client, auth, {**DOCUMENTED, "Extras": ["sms"]}))["dpd-next-day"]
    assert named["Extras"] == [{"Type": "Sms", "Amount": 0.3}]


def test_services_outside_their_limits_are_left_out(client, auth):
    heavy = {**DOCUMENTED, "Parcels": [{"Value": 10, "Weight": 20, "Length": 30, "Width": 30, "Height": 30}]}
    assert set(by_slug(quote(client, auth, heavy))) == {"dpd-next-day", "24h-example"}
    long = {**DOCUMENTED, "Parcels": [{"Value": 10, "Weight": 1, "Length": 130, "Width": 10, "Height": 10}]}
    assert set(by_slug(quote(client, auth, long))) == {"dpd-next-day"}
    huge = {**DOCUMENTED, "Parcels": [{"Value": 10, "Weight": 900, "Length": 10, "Width": 10, "Height": 10}]}
    assert quote(client, auth, huge).get_json() == {"Quotes": []}


def test_international_routes_get_international_services(client, auth):
    to_france = by_slug(quote(client, auth, {**DOCUMENTED, "DeliveryAddress": {"Country": "FRA"}}))
    assert set(to_france) == {"parcelforce-euro-priority", "fedex-international-economy", "24h-example"}
    to_usa = by_slug(quote(client, auth, {**DOCUMENTED, "DeliveryAddress": {"Country": "usa"}}))
    assert set(to_usa) == {"fedex-international-economy", "24h-example"}
    assert to_usa["fedex-international-economy"]["TotalPrice"] > to_france["fedex-international-economy"]["TotalPrice"]


def test_a_subdivision_costs_its_surcharge(client, auth):
    mainland = by_slug(quote(client, auth))["dpd-next-day"]
    highlands = by_slug(
        quote(client, auth, {**DOCUMENTED, "DeliveryAddress": {"Country": "GBR", "Subdivision": "HIGH"}})
    )
    assert round(highlands["dpd-next-day"]["TotalPriceExVat"] - mainland["TotalPriceExVat"], 2) == 6.0


def test_an_unknown_country_has_no_quotes(client, auth):
    assert quote(client, auth, {**DOCUMENTED, "DeliveryAddress": {"Country": "XYZ"}}).get_json() == {"Quotes": []}


def test_the_woocommerce_plugin_posts_a_form(client, auth):
    form = {
        "CollectionAddress[Country]": "GBR",
        "DeliveryAddress[Country]": "GBR",
        "Parcels[0][Value]": "150",
        "Parcels[0][Weight]": "2",
        "Parcels[0][Length]": "9",
        "Parcels[0][Width]": "8",
        "Parcels[0][Height]": "10",
    }
    as_form = client.post(f"{P2G}/api/quotes", data=form, headers=auth)
    assert as_form.status_code == 200 and as_form.get_json() == quote(client, auth).get_json()


def test_property_names_match_in_any_case(client, auth):
    lower = {
        "collectionaddress": {"country": "GBR"},
        "DELIVERYADDRESS": {"COUNTRY": "GBR"},
        "parcels": [{"value": 150, "weight": "2", "length": "9", "width": 8, "height": 10}],
    }
    assert quote(client, auth, lower).get_json() == quote(client, auth).get_json()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "request.CollectionAddress"),
        ({**DOCUMENTED, "Parcels": []}, "request.Parcels"),
        (
            {**DOCUMENTED, "Parcels": [{"Weight": "heavy", "Length": 1, "Width": 1, "Height": 1}]},
            "request.Parcels[0].Weight",
        ),
        ({**DOCUMENTED, "Parcels": [{"Weight": 1, "Length": 1, "Width": 1}]}, "request.Parcels[0].Height"),
        (
            {**DOCUMENTED, "Parcels": [{"Weight": -1, "Length": 1, "Width": 1, "Height": 1}]},
            "request.Parcels[0].Weight",
        ),
        (
            {**DOCUMENTED, "Parcels": [{"Weight": 1e308, "Length": 1, "Width": 1, "Height": 1}]},
            "request.Parcels[0].Weight",
        ),
        (
            {**DOCUMENTED, "Parcels": [{"Weight": True, "Length": 1, "Width": 1, "Height": 1}]},
            "request.Parcels[0].Weight",
        ),
        ({**DOCUMENTED, "Parcels": [DOCUMENTED["Parcels"][0]] * 21}, "request.Parcels"),
        ({**DOCUMENTED, "Extras": [{"Type": "Teleport"}]}, "request.Extras[0].Type"),
        ({**DOCUMENTED, "DeliveryAddress": "GBR"}, "request.DeliveryAddress"),
        ({**DOCUMENTED, "CollectionAddress": {"Country": "GBR" * 100}}, "request.CollectionAddress.Country"),
        ([1, 2], "request"),
    ],
)
def test_invalid_quote_requests_name_the_field(client, auth, body, field):
    response = quote(client, auth, body)
    assert response.status_code == 400
    assert response.get_json()["Message"] == "The request is invalid." and field in response.get_json()["ModelState"]


@pytest.mark.parametrize("data", ["{bad json", "", "\x00\xff"])
def test_unreadable_bodies_are_model_state_errors(client, auth, data):
    response = client.post(f"{P2G}/api/quotes", data=data, content_type="application/json", headers=auth)
    assert response.status_code == 400 and "request" in response.get_json()["ModelState"]


parcels = st.fixed_dictionaries(
    {
        "Value": st.floats(0, 5000),
        "Weight": st.floats(0.01, 25),
        "Length": st.floats(1, 120),
        "Width": st.floats(1, 60),
        "Height": st.floats(1, 60),
    }
)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(parcels, min_size=1, max_size=3), st.sampled_from(["GBR", "FRA", "USA"]))
def test_vat_plus_ex_vat_is_the_total(client, auth, boxes, country):
    response = quote(client, auth, {**DOCUMENTED, "DeliveryAddress": {"Country": country}, "Parcels": boxes})
    for q in response.get_json()["Quotes"]:
        assert round(q["TotalPriceExVat"] + q["TotalVat"], 2) == q["TotalPrice"]
        assert q["TotalVat"] == round(q["TotalPriceExVat"] * 0.2 + 1e-9, 2)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parcels, st.floats(0.01, 10))
def test_a_heavier_parcel_never_costs_less(client, auth, box, more):
    light = by_slug(quote(client, auth, {**DOCUMENTED, "Parcels": [box]}))
    heavy = by_slug(quote(client, auth, {**DOCUMENTED, "Parcels": [{**box, "Weight": box["Weight"] + more}]}))
    for slug, q in heavy.items():
        assert slug in light and q["TotalPrice"] >= light[slug]["TotalPrice"]


def test_countries(client, auth):
    rows = client.get(f"{P2G}/api/countries", headers=auth).get_json()
    assert len({row["Iso3Code"] for row in rows}) >= 235 and len({row["Id"] for row in rows}) == len(rows)
    assert len({(row["Iso3Code"], row["Subdivision"]) for row in rows}) == len(rows)
    assert all(len({r["Iso2Code"] for r in rows if r["Iso3Code"] == row["Iso3Code"]}) == 1 for row in rows)
    named = {row["Iso3Code"]: row for row in rows if row["Subdivision"] is None}
    assert named["NOR"]["Iso2Code"] == "NO" and named["CIV"]["Name"] == "Côte d'Ivoire"
    assert named["JPN"]["Iso2Code"] == "JP" and named["BRA"]["RequiresCustoms"] is True
    uk = [row for row in rows if row["Iso3Code"] == "GBR"]
    assert {row["Subdivision"] for row in uk} == {None, "NIR", "HIGH", "GB-CI", "IOM"}
    mainland = next(row for row in uk if row["Subdivision"] is None)
    assert mainland["Iso2Code"] == "GB" and mainland["RequiresCustoms"] is False and mainland["PostcodeRegex"]
    assert next(row for row in rows if row["Iso3Code"] == "USA")["RequiresCustoms"] is True


def test_every_country_row_takes_quotes(client, auth):
    for row in client.get(f"{P2G}/api/countries", headers=auth).get_json():
        body = {**DOCUMENTED, "DeliveryAddress": {"Country": row["Iso3Code"], "Subdivision": row["Subdivision"]}}
        assert by_slug(quote(client, auth, body)), row["Name"]


def test_services_list_every_service(client, auth):
    services = client.get(f"{P2G}/api/services", headers=auth).get_json()
    assert len(services) == 6 and all(set(s) == SERVICE_KEYS for s in services)
    image = client.get(services[0]["Links"]["ImageSmall"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    svg = client.get(services[0]["Links"]["ImageSvg"].removeprefix("http://localhost"))
    assert svg.mimetype == "image/svg+xml"
    assert client.get(f"{P2G}/images/couriers/nobody.png").status_code == 404


def test_collection_dates_are_working_days_from_today(client):
    clock = sandbox(client).clock
    clock.set("2026-11-27T10:00:00Z")  # a Friday
    clock.freeze()
    auth = bearer(p2g_token(client))
    response = client.post(
        f"{P2G}/api/collectiondates",
        json={"ServiceSlug": "dpd-next-day", "Postcode": "YO17 7LL", "CountryIso3Code": "GBR"},
        headers=auth,
    )
    dates = [d["CollectionDate"] for d in response.get_json()["CollectionDates"]]
    assert dates[:3] == ["2026-11-27T00:00:00", "2026-11-30T00:00:00", "2026-12-01T00:00:00"] and len(dates) == 10
    clock.advance("9h")  # past the 18:00 cut-off
    auth = bearer(p2g_token(client))
    later = client.post(f"{P2G}/api/collectiondates", json={"ServiceSlug": "dpd-next-day"}, headers=auth)
    assert later.get_json()["CollectionDates"][0]["CollectionDate"] == "2026-11-30T00:00:00"
    unknown = client.post(f"{P2G}/api/collectiondates", json={"ServiceSlug": "nope"}, headers=auth)
    assert unknown.status_code == 400 and "request.ServiceSlug" in unknown.get_json()["ModelState"]


def test_quote_dates_follow_the_clock(client):
    clock = sandbox(client).clock
    clock.set("2026-11-28T10:00:00Z")  # Saturday
    auth = bearer(p2g_token(client))
    dpd = by_slug(quote(client, auth))["dpd-next-day"]
    assert dpd["Collection"] == "2026-11-30T00:00:00" and dpd["EstimatedDeliveryDate"] == "2026-12-01T00:00:00"
    assert dpd["CutOff"] == "2026-11-30T18:00:00.0000000+00:00"


def test_drop_shops_near_a_postcode_nearest_first(client, auth):
    response = client.get(
        f"{P2G}/api/dropshops/evri/location",
        query_string={"location": "YO17 7LL", "iso3CountryCode": "GBR"},
        headers=auth,
    )
    results = response.get_json()["Results"]
    assert [r["Name"] for r in results][:2] == ["Malton Newsagents", "Norton Co-op"]
    assert results[0]["Distance"] < results[1]["Distance"] < results[2]["Distance"]
    assert "<br>" in results[0]["ConcatenatedTimes"]
    outward = client.get(f"{P2G}/api/dropshops/EVRI/location?location=yo17%209zz", headers=auth).get_json()
    assert outward["Results"][0]["Name"] == "Malton Newsagents"
    nowhere = client.get(f"{P2G}/api/dropshops/EVRI/location?location=ZZ99", headers=auth)
    assert nowhere.get_json() == {"Results": []}


def test_drop_shops_near_a_point(client, auth):
    response = client.get(
        f"{P2G}/api/dropshops/EVRI/geolocation?latitude=54.28&longitude=-0.40&iso3CountryCode=GBR", headers=auth
    )
    assert response.get_json()["Results"][0]["Name"] == "Scarborough Post Stop"


@pytest.mark.parametrize(
    "query, field",
    [
        ("latitude=91&longitude=0", "latitude"),
        ("latitude=x&longitude=0", "latitude"),
        ("latitude=1&longitude=nan", "longitude"),
        ("latitude=1", "longitude"),
    ],
)
def test_bad_coordinates(client, auth, query, field):
    response = client.get(f"{P2G}/api/dropshops/EVRI/geolocation?{query}", headers=auth)
    assert response.status_code == 400 and field in response.get_json()["ModelState"]


def test_drop_shops_of_an_unknown_provider(client, auth):
    response = client.get(f"{P2G}/api/dropshops/NOPE/location?location=YO17", headers=auth)
    assert response.status_code == 404 and "NOPE" in response.get_json()["Message"]
    assert client.get(f"{P2G}/api/dropshops/EVRI/location", headers=auth).status_code == 400


def test_customs_requirements_by_item(client, auth):
    body = {
        "Items": [
            {
                "Id": "a",
                "CollectionAddress": {"CountryIsoCode": "GBR"},
                "Parcels": [{"DeliveryAddress": {"CountryIsoCode": "USA"}}],
                "Upsells": ["Cover"],
            },  # as the plugin posts
            {
                "Id": "b",
                "CollectionAddress": {"CountryIsoCode": "GBR"},
                "Parcels": [{"DeliveryAddress": {"CountryIsoCode": "GBR"}}],
            },
            {"Id": "c", "Parcels": [{"DeliveryAddress": {"CountryIsoCode": "ESP", "Subdivision": "ES-CN"}}]},
        ]
    }
    answer = client.post(f"{P2G}/api/customs", json=body, headers=auth).get_json()
    assert {key: value["RequiresCustomsDetails"] for key, value in answer.items()} == {"a": True, "b": False, "c": True}
    assert set(answer["a"]["ReasonsForExport"]) == {
        "Sale",
        "Gift",
        "Sample",
        "Repair",
        "Documents",
        "IntraCompanyTransfer",
        "TemporaryExport",
    }
    assert set(answer["a"]["VatStatus"]) == {"Individual", "NotRegistered", "Registered"}
    assert client.post(f"{P2G}/api/customs", json={"Items": []}, headers=auth).status_code == 400
