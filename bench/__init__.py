"""Benchmarks of mock-carriers (DESIGN.md section 9): `python -m bench`. Figures, never assertions."""
