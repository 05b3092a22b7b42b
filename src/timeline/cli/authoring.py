"""Authoring commands: validate, fmt, add, schema and diff."""

from __future__ import annotations
