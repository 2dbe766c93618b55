"""Batch migration: manifests, the job runner and its executors."""
