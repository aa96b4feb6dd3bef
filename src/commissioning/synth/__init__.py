"""Synthetic pseudonymised patient-level data, streamed to Parquet at any size."""

from commissioning.synth.patients import SynthConfig, generate

__all__ = ["SynthConfig", "generate"]
