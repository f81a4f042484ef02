"""Scenario and fixture mistakes, as a QA engineer meets them: every one reported at once, each
with the line of the key that is wrong, in plain words."""

from __future__ import annotations

from click.testing import CliRunner

from mock_carriers.cli import main
from mock_carriers.resources import data_dir

SCENARIO = b"""namespace: qa-errors
seed: seven
strict: maybe
fixtures:
  dhl: {}
  parcel2go:
    repeat_payment: sometimes
faults:
  - carrier: bex
    effect: status
    status: 404
  - {effect: latency, ms: -5}
clock:
  - freeze
  - later
colour: blue
"""


def _line(text: bytes, needle: bytes) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_scenario_with_many_mistakes_gets_all_of_them(client):
    response = client.post("/__admin/namespaces/qa-errors/scenario", data=SCENARIO, content_type="application/yaml")
    assert response.status_code == 400
    fields = response.get_json()["fields"]
    assert fields == {
        "seed": [f'line {_line(SCENARIO, b"seed:")}: must be a whole number, not "seven"'],
        "strict": [f'line {_line(SCENARIO, b"strict:")}: must be true or false, not "maybe"'],
        "clock[1]": [
            f'line {_line(SCENARIO, b"- later")}: must be "freeze", "resume" or a mapping (key: value), not "later"'
        ],
        "colour": [
            f"line {_line(SCENARIO, b'colour:')}: is not a field here; expected one of clock, description, "
            "faults, fixtures, namespace, seed, strict or webhooks"
        ],
    }


def test_once_the_shape_is_right_every_part_is_checked(client):
    text = SCENARIO.replace(b"seed: seven", b"seed: 7").replace(b"strict: maybe", b"strict: true")
    text = text.replace(b"  - later\n", b"  - {advance: soon}\n").replace(b"colour: blue\n", b"")
    response = client.post("/__admin/namespaces/qa-errors/scenario", data=text, content_type="application/yaml")
    fields = response.get_json()["fields"]
    assert set(fields) == {"fixtures.dhl", "fixtures.parcel2go", "faults[0].status", "faults[1].ms", "clock[1].by"}
    assert fields["faults[0].status"][0].startswith(f"line {_line(text, b'status: 404')}: ")
    assert fields["faults[1].ms"][0].startswith(f"line {_line(text, b'ms: -5')}: ")
    assert fields["fixtures.parcel2go"][0].startswith(f"line {_line(text, b'repeat_payment')}: repeat_payment: ")
    assert all("None" not in message for messages in fields.values() for message in messages)
    assert client.get("/__admin/namespaces/qa-errors").status_code == 404  # nothing changed


def test_scenario_apply_prints_one_mistake_per_line(live_server, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(SCENARIO)
    result = CliRunner().invoke(main, ["scenario", "apply", str(path), "--url", live_server()])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: 400: the scenario has 4 mistakes:" and len(lines) == 5
    assert lines[1].startswith("  seed: line 2: must be a whole number")


def test_fixtures_check_lists_every_mistake_with_its_line(tmp_path):
    import yaml

    data = yaml.safe_load((data_dir("fixtures") / "border-express.yaml").read_text())
    consignment = next(iter(data["consignments"].values()))
    consignment["receiver"]["postcode"], consignment["sender"]["postcode"] = "31210", 3000
    text = yaml.safe_dump(data, sort_keys=False)
    (tmp_path / "border-express.yaml").write_text(text)
    result = CliRunner().invoke(main, ["fixtures", "check", str(tmp_path)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error ")]
    expected = sorted(
        [
            (_line(text.encode(), b"postcode: '31210'"), 'must match the pattern ^[0-9]{4}$, not "31210"'),
            (
                _line(text.encode(), b"postcode: 3000"),
                'must be text, not 3000 (write it in quotes to keep it text: "3000")',
            ),
        ]
    )
    assert len(errors) == 2
    for line, (number, message) in zip(errors, expected):
        assert f"border-express.yaml:{number}: consignments." in line and line.endswith(message), line
