"""The /__admin API: how tests and QA control the mock (contracts/admin.openapi.yaml describes it)."""
