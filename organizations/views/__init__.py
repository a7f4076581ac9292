"""Dashboard pages of organizations, one module per section; the door they share is organizations/pages.py."""
