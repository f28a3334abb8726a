"""What participants use: the join pages, the phone map, and the /api/v1 participant API."""
