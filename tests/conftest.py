"""Shared test fixtures. Each test builds its world through the same services the product uses."""
