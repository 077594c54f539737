"""Pages of the departments app beyond the catalogue and roster (`departments.views`)."""
