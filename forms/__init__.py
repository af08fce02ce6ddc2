"""Forms, one module per area; every label and message is translatable."""
