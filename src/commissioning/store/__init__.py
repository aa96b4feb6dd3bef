"""The store: Django models of the commissioning community, and how to reach the database."""
