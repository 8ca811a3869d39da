"""Column lists of the bulk-SQL book seeds the benchmark suites share.

Each suite seeds its own book with `INSERT ... SELECT` over a recursive counter; the
tables' column lists are the same whatever values a suite picks, so they live here.
"""

PROVENANCE = "source, source_import_id, source_as_of, field_sources, created_at, updated_at"
MEMBER_COLUMNS = f"""{PROVENANCE}, is_primary, first_name, middle_name,
        last_name, dob_encrypted, birth_year, ssn_encrypted, ssn_last4, ssn_index,
        identity_index, relationship, applying, phone, secondary_phone, text_opt_in, email,
        written_language, spoken_language, residence_line1, residence_line2, residence_city,
        residence_state, residence_zip, residence_county, mailing_line1, mailing_line2,
        mailing_city, mailing_state, mailing_zip, experiencing_homelessness, household_id"""
ENROLLMENT_COLUMNS = f"""{PROVENANCE}, coverage, policy_id, carrier, plan_name,
        hios_plan_id, metal_tier, plan_type, gross_premium, aptc, net_premium,
        effective_date, end_date, status, paid_through_date, binder_status, on_exchange,
        household_id, aor_name, aor_npn"""
