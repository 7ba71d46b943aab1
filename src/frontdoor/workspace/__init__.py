"""Workspaces, users, members, invitations, API tokens and role permissions."""
