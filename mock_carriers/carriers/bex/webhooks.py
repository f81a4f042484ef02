"""BEX webhooks, as Microsoft.AspNet.WebHooks sends them (carriers.md section 3.3):
an indented JSON envelope `{Id, Attempt, Properties, Notifications:[{Action, ...}]}`, signed in
`ms-signature: sha256=<UPPER hex HMAC-SHA256 of the exact body>`, retried after 1 and 4 minutes,
stopped for good by a 410."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from mock_carriers.carriers.bex.model import Waybill, sast
from mock_carriers.core.lifecycle import Occurred
from mock_carriers.core.webhooks import Delivery, HeaderSigner, RetryPolicy

ACTIONS = ("tracking_event", "pod", "attempted_delivery", "waybill_update", "waybill_note")
SIGNER = HeaderSigner("ms-signature", prefix="sha256=", uppercase=True)
RETRY_POLICY = RetryPolicy(delays=(60.0, 240.0), unsubscribe_on=frozenset({410}))


def notification(action: str, waybill: Waybill, event: Occurred | None) -> dict:
    """The `Notifications[0]` object of one event, PascalCase as BEX documents it."""
    body: dict = {"Action": action}
    if action == "waybill_update":
        charges = waybill.charges
        body.update(
            {
                "WaybillNumber": waybill.number,
                "Service": waybill.service,
                "InsuranceRequired": False,
                "InsuranceValue": 0,
                "ActualWeight": charges["actual_weight"],
                "VolumetricWeight": charges["volumetric_weight"],
                "ChargeableWeight": charges["chargeable_weight"],
                "BaseRateTotal": charges["base"],
                "SurchargesTotal": charges["surcharges"],
                "SubTotal": charges["sub_total"],
                "Vat": charges["vat"],
                "TotalCharges": charges["total"],
                "Parcels": [
                    {
                        "ParcelBarcodeNumber": number,
                        "Dimension1": p["dimension1"],
                        "Dimension2": p["dimension2"],
                        "Dimension3": p["dimension3"],
                        "Weight": p["weight"],
                        "ParcelDescription": p.get("reference", ""),
                    }
                    for number, p in zip(waybill.parcel_numbers(), waybill.parcels)
                ],
            }
        )
        return body
    assert event is not None  # every action but waybill_update comes with its event
    local, data = sast(event.at), event.data
    if action == "tracking_event":
        body.update(
            {
                "WaybillNumber": waybill.number,
                "TrackingDate": local.strftime("%Y-%m-%d %H:%M:%S"),
                "TrackingUser": data["user"],
                "TrackingDescription": data.get("description", ""),
                "TrackingReference": waybill.senders_ref,
                "TrackingTypeId": data["type_id"],
            }
        )
    elif action == "pod":
        body.update(
            {
                "WaybillNumber": waybill.number,
                "PODDate": local.strftime("%Y-%m-%d"),
                "PODTime": local.strftime("%H:%M:%S"),
                "Signee": data["delivered"]["signee"],
                "PODPieces": data["delivered"]["pieces"],
            }
        )
    elif action == "attempted_delivery":
        body.update(
            {
                "WaybillNumber": waybill.number,
                "AttemptedDate": local.strftime("%Y-%m-%d"),
                "AttemptedTime": local.strftime("%H:%M:%S"),
                "NonDeliveryReason": data["attempted"]["reason"],
                "DriverComment": data["attempted"].get("comment", ""),
            }
        )
    elif action == "waybill_note":
        body.update(
            {"PostedBy": data["user"], "NoteDate": local.strftime("%Y-%m-%d %H:%M:%S"), "NoteText": data["note"]}
        )
    return body


@dataclass(frozen=True)
class BexEnvelope:
    """`{Id, Attempt, Properties, Notifications}`: the Id drawn once per event, the Attempt counted."""

    signer: HeaderSigner = SIGNER

    def seal(self, document: dict, random_bits: Callable[[int], int]) -> dict[str, Any]:
        return {"id": f"{random_bits(128):032x}", "notification": document}

    def attempt(self, delivery: Delivery, number: int, sent_at: float) -> tuple[bytes, dict[str, str]]:
        """One attempt's exact bytes: .NET's JObject.ToString() (two-space indent, CRLF) and signature."""
        document = {
            "Id": delivery.payload["id"],
            "Attempt": number,
            "Properties": {},
            "Notifications": [delivery.payload["notification"]],
        }
        body = json.dumps(document, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **self.signer.headers(delivery.subscription.secret, body),
        }
        return body, headers
