"""examples/drivers/ run as the conformance kit runs them: a subprocess given the protocol's
environment and context, against a real server, judged by its exit status and its result."""

import pytest

HAPPY = [
    ("border-express", "track"),
    ("bex", "track"),
    ("parcel2go", "track"),
    ("borderless360", "track"),
    ("parcellab", "track"),
    ("parcel2go", "quote"),
    ("bex", "quote"),
    ("parcel2go", "book"),
    ("bex", "book"),
    ("borderless360", "sync"),
]


@pytest.mark.parametrize(("carrier", "task"), HAPPY)
def test_each_driver_does_its_task(drive, carrier, task):
    run = drive(carrier, task)
    assert run.returncode == 0, run.stderr
    print(run.result)
