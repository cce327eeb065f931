"""The real Chromium against the real app and the demo provider (marked ``e2e``)."""
