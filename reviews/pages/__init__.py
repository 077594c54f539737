"""The quarter's pages: dashboard, quarters, reviews, the rating grid, the director's queue,
warnings and reports. Reads come from `reviews.selectors`, writes from the
services, and who may open what from `hrperf.lib.roles`; each module holds its own URLs."""
