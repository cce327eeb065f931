"""The web pages and the JSON API, on the real app."""
