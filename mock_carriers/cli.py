"""The `mock-carriers` command: serve the mock, check fixture files."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from mock_carriers import __version__


@click.group()
@click.version_option(__version__, prog_name="mock-carriers")
def main() -> None:
    """An offline sandbox that speaks real parcel carriers' HTTP APIs."""


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; 0.0.0.0 in a container).")
@click.option("--port", type=int, default=None, help="Port (default 8080; 0 picks a free one).")
@click.option("--fixtures", "fixtures_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of <carrier>.yaml files replacing the shipped ones.")
@click.option("--seed", type=int, default=None, help="Default RNG seed of every namespace.")
@click.option("--admin-token", default=None, help="Require `Authorization: Bearer <token>` on /__admin.")
@click.option("--journal-limit", type=click.IntRange(min=1), default=None, help="Journal entries kept per namespace.")
@click.option("--max-namespaces", type=click.IntRange(min=1), default=None, help="Live namespaces kept (LRU).")
def serve(**options) -> None:
    """Run the mock until interrupted. Flags override MOCK_CARRIERS_* environment variables."""
    from mock_carriers.app import create_app
    from mock_carriers.core.fixtures import FixtureError
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings

    try:
        settings = Settings.from_env(**options)
        server = Server(create_app(settings), settings.host, settings.port)
    except (FixtureError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"mock-carriers {__version__} listening on {server.url}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


@main.group()
def fixtures() -> None:
    """Fixture files."""


@fixtures.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def check_fixtures(directory: Path | None) -> None:
    """Check DIRECTORY's <carrier>.yaml files (default: the shipped ones) without serving."""
    from mock_carriers.carriers import CARRIERS
    from mock_carriers.core.fixtures import FixtureError, load_yaml, validate
    from mock_carriers.resources import data_dir

    directory = directory or data_dir("fixtures")
    failures = 0
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise click.ClickException(f"{directory}: no .yaml files")
    for path in files:
        name = path.stem
        try:
            if name not in CARRIERS.names:
                raise FixtureError(f"{path}: no carrier named {name!r} (carriers: {', '.join(CARRIERS.names)})")
            validate(load_yaml(path), CARRIERS.load(name), path)
            click.echo(f"ok    {path}")
        except FixtureError as exc:
            failures += 1
            click.echo(f"error {exc}", err=True)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
