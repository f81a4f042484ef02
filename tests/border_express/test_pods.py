"""PODs: metadata, real image and PDF bytes, base64 JSON, one POD by id."""

import base64
import io

import pytest
from PIL import Image
from pypdf import PdfReader
from support import BE, be_token, bearer

DELIVERED = "BE10000001"


@pytest.fixture
def get(client):
    headers = bearer(be_token(client))
    return lambda path, **kw: client.get(f"{BE}{path}", headers=headers, **kw)


@pytest.mark.parametrize("family", ["/api/v1/consignments", "/api/connotes"])
def test_metadata_lists_pods(get, family):
    pods = get(f"{family}/{DELIVERED}/pods/Metadata").get_json()
    assert pods == [
        {"Id": 70001, "ConsignmentNumber": DELIVERED, "DateSigned": pods[0]["DateSigned"], "SignedBy": "J. NGUYEN"}
    ]
    assert pods[0]["DateSigned"][-6:] in ("+10:00", "+11:00")


@pytest.mark.parametrize(
    "fmt, media, pil_format",
    [("jpg", "image/jpeg", "JPEG"), ("png", "image/png", "PNG"), ("JPG", "image/jpeg", "JPEG")],
)
def test_images_are_real_images(get, fmt, media, pil_format):
    response = get(f"/api/v1/consignments/{DELIVERED}/pods/{fmt}")
    assert response.status_code == 200 and response.mimetype == media
    image = Image.open(io.BytesIO(response.data))
    assert image.format == pil_format and image.size[0] > 100
    image.verify()


def test_pdf_is_a_real_pdf_naming_the_consignment(get):
    response = get(f"/api/v1/consignments/{DELIVERED}/pods/pdf")
    assert response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert DELIVERED in text and "J. NGUYEN" in text


@pytest.mark.parametrize("family", ["/api/v1/consignments", "/api/connotes"])
@pytest.mark.parametrize("flag", ["true", "True", "TRUE"])
def test_base64_json(get, family, flag):
    response = get(f"{family}/{DELIVERED}/pods/jpg?base64={flag}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    decoded = base64.b64decode(response.get_json()["Base64"])
    assert Image.open(io.BytesIO(decoded)).format == "JPEG"


@pytest.mark.parametrize("query", ["Base64=true", "BASE64=True", "bAsE64=TRUE", "Base64=true&base64=false"])
def test_the_base64_parameter_binds_in_any_case_first_value_first(get, query):
    """ASP.NET binds query names whatever their case; for a bool the first value counts."""
    response = get(f"/api/connotes/{DELIVERED}/pods/jpg?{query}")
    assert response.status_code == 200 and response.get_json()["Base64"]


def test_a_bad_value_under_another_casing_is_named_as_declared(get):
    response = get(f"/api/v1/consignments/{DELIVERED}/pods/jpg?BASE64=maybe")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"base64": ["The value 'maybe' is not valid."]}


def test_base64_false_is_the_image(get):
    assert get(f"/api/v1/consignments/{DELIVERED}/pods/png?base64=false").mimetype == "image/png"


def test_bad_base64_flag_is_a_validation_problem(get):
    response = get(f"/api/v1/consignments/{DELIVERED}/pods/jpg?base64=maybe")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"base64": ["The value 'maybe' is not valid."]}


def test_one_pod_by_id(get):
    assert get(f"/api/v1/consignments/{DELIVERED}/pods/70001/png").mimetype == "image/png"
    assert get(f"/api/v1/consignments/{DELIVERED}/pods/70001/pdf?base64=true").get_json()["Base64"]
    assert get(f"/api/v1/consignments/{DELIVERED}/pods/99999/png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/consignments/{DELIVERED}/pods/gif",
        "/api/v1/consignments/BE10000002/pods/jpg",
        "/api/v1/consignments/BE10000006/pods/70001/jpg",
    ],
)
def test_unknown_format_or_no_pod_is_404(get, path):
    response = get(path)
    assert response.status_code == 404 and response.get_json()["title"] == "Not Found"


def test_not_delivered_has_no_pods(get):
    assert get("/api/v1/consignments/BE10000002/pods/Metadata").get_json() == []
