"""Conversations: the searchable list and the detail view."""
