"""Notifications: outbound Slack and email sent at most once, from the task queue."""
