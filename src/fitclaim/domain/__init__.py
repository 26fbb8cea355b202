"""The pure core of fitclaim: money, codes and the reimbursement engine. No Django."""
