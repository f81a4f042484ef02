"""Apps built in one process (as a test suite builds one per test) share their compiled URL
builders: each app still builds its own URLs, through its own converters and its own routes."""

import pytest
from flask import url_for
from werkzeug.routing import BaseConverter, BuildError


class Upper(BaseConverter):
    def to_url(self, value: str) -> str:
        return value.upper()


class Lower(BaseConverter):
    def to_url(self, value: str) -> str:
        return value.lower()


def test_each_app_builds_its_urls_with_its_own_converters(make_app):
    apps = {"UP": make_app(), "up": make_app()}
    for (name, app), converter in zip(apps.items(), (Upper, Lower)):
        app.url_map.converters["case"] = converter
        app.add_url_rule("/extra/<case:word>", "extra", lambda word: word)
    for expected, app in apps.items():
        with app.test_request_context():
            assert url_for("extra", word="Up", n="a b") == f"/extra/{expected}?n=a+b"
            assert url_for("dashboard_page", view="journal") == "/__admin/ui/journal"


def test_a_route_added_to_one_app_is_not_in_another(make_app):
    one, other = make_app(), make_app()
    one.add_url_rule("/only-here/<int:n>", "only_here", lambda n: str(n))
    with one.test_request_context():
        assert url_for("only_here", n=3) == "/only-here/3"
    with other.test_request_context(), pytest.raises(BuildError):
        url_for("only_here", n=3)
    assert other.test_client().get("/only-here/3").status_code != 200
