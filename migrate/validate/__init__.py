"""Export validation: rules and report formats for CI."""
