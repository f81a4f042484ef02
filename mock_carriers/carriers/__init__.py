"""The carrier registry: the one piece of module-level state, read-only after import."""

from mock_carriers.carriers.base import CarrierEntry, CarrierRegistry

CARRIERS = CarrierRegistry(
    (
        CarrierEntry(
            "border-express",
            "border_express",
            hosts=("api.borderexpress.com.au", "integrationapi.borderexpress.com.au"),
        ),
        CarrierEntry("bex", "bex", hosts=("api.bex.co.za", "webhook.bex.co.za")),
        CarrierEntry("parcel2go", "parcel2go", hosts=("www.parcel2go.com", "sandbox.parcel2go.com")),
        CarrierEntry("borderless360", "borderless360", hosts=("api.borderless360.com",)),
        CarrierEntry(
            "parcellab", "parcellab", hosts=("api.parcellab.com", "api.eu.parcellab.com", "api.us.parcellab.com")
        ),
    )
)
