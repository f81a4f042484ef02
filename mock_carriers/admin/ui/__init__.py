"""The QA dashboard at `/__admin/ui/`: Jinja templates and one small script over the admin API.
Imported only when someone opens it (`admin/dashboard.py` mounts its routes lazily)."""
