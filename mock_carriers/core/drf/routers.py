"""The route table of a Django REST Framework API, as its URLconf and routers match paths."""

from __future__ import annotations

from mock_carriers.core.drf.views import DrfViews
from mock_carriers.core.routing import RouteTable


def router(views: DrfViews | None = None) -> RouteTable:
    """Paths match in exact case and end in a slash (Django's APPEND_SLASH redirects a GET without
    one); the first pattern matching a path takes it, whatever its methods. `views`, if given, runs
    the routes under its prefix as DRF views."""
    return RouteTable(case_insensitive=False, trailing_slash="append", dispatch="path", options=views)
