"""Compliance checklists (Bali single-use plastic and waste rules) and sustainability figures."""
