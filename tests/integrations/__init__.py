"""Adapter tests (a package, so module names such as test_surveys do not clash with other folders)."""
