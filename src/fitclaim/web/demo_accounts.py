"""The demo sign-ins: one person per role, across two organizations.

`fitclaim demo` creates these users and `fitclaim serve` prints them, so both
read the same constants. Plain values only: this module imports no Django.
"""

from __future__ import annotations

DEMO_PASSWORD = "fitclaim-demo-2026"

# Riverbend: the main demo organization.
ADMIN_EMAIL = "admin@riverbend.example"
BILLING_EMAIL = "billing@riverbend.example"
TRAINER_CEP_EMAIL = "sam.ortiz@riverbend.example"  # ACSM Clinical Exercise Physiologist
TRAINER_CES_EMAIL = "jo.kim@riverbend.example"  # NASM Corrective Exercise Specialist
CLIENT_EMAIL = "dana.reyes@example.com"  # client-portal user: sees only her own record

# Northside: a second organization, to show that nothing crosses between them.
OTHER_ORG_ADMIN_EMAIL = "admin@northside.example"

# (role as shown to the user, email), in the order `fitclaim serve` prints them.
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("Organization admin (Riverbend)", ADMIN_EMAIL),
    ("Billing (Riverbend)", BILLING_EMAIL),
    ("Trainer, ACSM-CEP (Riverbend)", TRAINER_CEP_EMAIL),
    ("Trainer, NASM-CES (Riverbend)", TRAINER_CES_EMAIL),
    ("Client portal (Riverbend)", CLIENT_EMAIL),
    ("Organization admin (Northside)", OTHER_ORG_ADMIN_EMAIL),
)
