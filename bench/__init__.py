"""Benchmarks of mock-carriers: `python -m bench`. Figures, never assertions."""
