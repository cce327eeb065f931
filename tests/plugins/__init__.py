"""Fixtures shared by every folder's tests, one module per area, loaded as pytest plugins by
``tests/conftest.py``; tests import the helpers these modules define from here as well."""
