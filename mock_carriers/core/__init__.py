"""Mechanisms every carrier shares (clock, tokens, errors, routing, ...). Names no carrier."""
