"""One module per page: its routes, the work it hands the worker thread, its view data."""
