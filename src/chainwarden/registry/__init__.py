"""The filing registry (备案, Arts. 11–14)."""
