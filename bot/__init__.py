"""Bilingual intake assistant for immigration offices: services and shared code."""
