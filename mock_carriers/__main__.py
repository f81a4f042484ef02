"""`python -m mock_carriers` is the `mock-carriers` command."""

from mock_carriers.cli import main

main()
