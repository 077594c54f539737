"""Evidence files attached to a self-assessment or an appeal, checked by their content."""
