"""commissioning: a workbench for commissioning NHS care for people with long-term conditions."""

__version__ = "0.1.0"
