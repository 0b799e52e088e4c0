"""Scheduled work (practice prompts, digests); filled in by the scheduling release."""
