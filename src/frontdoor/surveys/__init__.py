"""Surveys: NPS, CSAT and CES metrics with their uncertainty."""
