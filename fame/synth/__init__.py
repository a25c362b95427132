"""The synthetic region generator: organisations, practitioners and children with realistic errors."""
