"""The employee's self-assessment (自评) of an open review."""
