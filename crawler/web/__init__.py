"""`leadwatch serve`: browse, search and annotate the store in a web browser."""
