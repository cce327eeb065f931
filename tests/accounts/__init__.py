"""Profiles, the vault that keeps their passwords, and the encrypted export."""
