"""fitclaim: gets medically necessary personal training paid for."""

__version__ = "0.1.0"
