"""The /__admin API: how tests and QA control the mock (DESIGN.md section 5)."""
