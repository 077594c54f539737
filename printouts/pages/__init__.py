"""The pages of printouts: the quarter's panel, a job's page with its progress, the download."""
