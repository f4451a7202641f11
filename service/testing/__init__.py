"""Test and benchmark helpers (synthetic model builders); not used by the service at run time."""
