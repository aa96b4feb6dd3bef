"""Analytics: statistics for commissioning, pure functions over pandas dataframes."""
