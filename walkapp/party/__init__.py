"""Responsible parties: answer for their items of a walk through a personal link, without an account."""

from .pages import bp

__all__ = ["bp"]
