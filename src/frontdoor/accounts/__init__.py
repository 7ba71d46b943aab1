"""Accounts: list and detail, health, relationship depth, priority and the CX pipeline."""
