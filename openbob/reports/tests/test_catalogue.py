"""The report field catalogue is built on the export catalogue's declarations."""

from __future__ import annotations

import pytest

from openbob.exports import catalogue
from openbob.reports import declarations
from openbob.reports.definition import OPERATORS_BY_KIND, parse
from openbob.reports.fields import BY_KEY, TYPES
from openbob.reports.models import Report
from openbob.retention import exporting as retention_export

CALHEERS_FILTERS = (
    "account_name",
    "application_case_number",
    "consumer_name",
    "contact_application_id",
    "health_enrollment_name",
    "eligibility_program",
    "enroller_contact",
    "year_of_application",
)
DECLARED = (
    *catalogue.BOOK_FIELDS,
    *catalogue.ENROLLMENT_FIELDS,
    *catalogue.AOR_FIELDS,
    *catalogue.FOLLOW_UP_FIELDS,
    *catalogue.CHANGE_FIELDS,
    *catalogue.ROSTER_FIELDS,
    *catalogue.EDE_FIELDS,
    *declarations.DELEGATION_FIELDS,
    declarations.FOLLOW_UP_KIND,
    *retention_export.FIELDS,
)


def test_every_report_field_is_a_declaration_the_export_legends_use() -> None:
    for report_type in TYPES:
        for f in report_type.fields:
            assert any(f.column is declared for declared in DECLARED), f.label


def test_field_keys_are_unique_within_each_report_type() -> None:
    for report_type in TYPES:
        keys = [f.key for f in report_type.fields]
        assert len(keys) == len(set(keys)), report_type.key


@pytest.mark.parametrize("key", CALHEERS_FILTERS)
def test_the_calheers_filter_fields_are_filterable_on_consumers(key: str) -> None:
    f = BY_KEY["consumers"].field(key)
    assert f is not None and not f.masked
    assert "equals" in OPERATORS_BY_KIND[f.filter_kind]


def test_pii_fields_carry_the_catalogues_masking_rule() -> None:
    members = BY_KEY["members"]
    ssn, dob = members.field("customer_ssn"), members.field("customer_date_of_birth")
    assert ssn is not None and ssn.masked and "***-**-1234" in ssn.column.masking
    assert dob is not None and dob.masked
    income = BY_KEY["consumers"].field("household_income")
    assert (
        income is not None and income.column.masking == catalogue.MASK_RULES[catalogue.Mask.INCOME]
    )


def test_the_installed_sample_report_is_a_valid_definition(sample: Report) -> None:
    definition = parse(sample.definition)
    assert sample.name == "My Book of Business"
    assert definition.type.key == "consumers"
    assert definition.to_json() == sample.definition
