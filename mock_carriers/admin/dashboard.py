"""The dashboard's routes under `/__admin/ui/`, mounted at start-up without importing the dashboard:
each view imports `mock_carriers.admin.ui` on first use, so a server nobody opens it on pays nothing
for it (`bench/dashboard.py` measures both). The pages hold no state of their own: they read and
change everything through the admin API (see `ui/admin_calls.py`)."""

from __future__ import annotations

from flask import Flask

PREFIX = "/__admin/ui"


def mount(app: Flask) -> None:
    app.add_url_rule(f"{PREFIX}/", "dashboard_home", _home, methods=["GET"])
    app.add_url_rule(f"{PREFIX}/<view>", "dashboard_page", _page, methods=["GET"])
    app.add_url_rule(f"{PREFIX}/static/<name>", "dashboard_asset", _asset, methods=["GET"])
    app.add_url_rule(f"{PREFIX}/fragments/<name>", "dashboard_fragment", _fragment, methods=["GET"])


def _home():
    from mock_carriers.admin.ui import views

    return views.page("namespaces")


def _page(view: str):
    from mock_carriers.admin.ui import views

    return views.page(view)


def _asset(name: str):
    from mock_carriers.admin.ui import views

    return views.asset(name)


def _fragment(name: str):
    from mock_carriers.admin.ui import views

    return views.fragment(name)
