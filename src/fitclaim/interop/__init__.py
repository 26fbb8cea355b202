"""Translation at the edge: fitclaim's records to and from other systems' formats
(X12 837P and 835). Golden-file tested; no rule of the product lives here."""
