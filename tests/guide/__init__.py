"""The programme guide: storage, queries, the grid, catch-up and refresh."""
