"""X12 5010: the 837P professional claim fitclaim sends (005010X222A1), the 835
remittance it reads (005010X221A1), pyx12 validation, and the mapping between
claim adjustment reason codes (CARC) and the engine's reasons."""
