"""Thin entry points of the pre-commit hooks in .pre-commit-hooks.yaml."""
