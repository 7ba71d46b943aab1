"""Spike alerts: detect a tag's unusual rise, record it once, deliver it."""
