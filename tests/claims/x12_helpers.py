"""The 835 writer the posting tests use (it lives in the product for the demo)."""

from fitclaim.interop.x12.era_writer import ClpAnswer, SvcAnswer, write_835

__all__ = ["ClpAnswer", "SvcAnswer", "write_835"]
