"""Conditions, practice populations by age band and sex, and condition registers."""

from django.db import models

from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation


class CodeSystem(models.TextChoices):
    SNOMED_CT = "snomed_ct", "SNOMED CT"
    ICD10 = "icd10", "ICD-10"
    QOF = "qof", "QOF register"
    READ = "read", "Read codes"
    OTHER = "other", "Other"


class Condition(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    code_system = models.CharField(max_length=16, choices=CodeSystem.choices, blank=True)
    codes = models.JSONField(default=list, blank=True, help_text="Codes in the code system")
    qof_register = models.CharField(
        "QOF register id", max_length=20, blank=True, help_text="e.g. DM017, DEM001, STIA001"
    )
    description = models.TextField(blank=True)
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class PracticePopulation(models.Model):
    """Registered patients of one organisation on one date, by age band and sex."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="populations"
    )
    date = models.DateField(help_text="Extract date")
    age_band = models.CharField(max_length=8, help_text="e.g. 0-4, 85-89, 90+")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    count = models.PositiveIntegerField()
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["organisation", "date", "sex", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "date", "age_band", "sex"], name="population_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {self.date} {self.sex} {self.age_band}: {self.count}"


class ConditionRegister(models.Model):
    """Patients on a condition register (e.g. QOF) at one organisation for one period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="registers"
    )
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="registers")
    period_end = models.DateField(help_text="End of the reporting year, e.g. 2012-03-31")
    register_size = models.PositiveIntegerField()
    list_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Patients in the eligible age range"
    )
    list_type = models.CharField(
        max_length=12,
        blank=True,
        help_text="Which patients the list size counts, as QOF's PATIENT_LIST_TYPE names them: "
        "TOTAL (the whole list, all ages), 17OV (aged 17 and over), ...; blank when not known",
    )
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["organisation", "condition", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "condition", "period_end"], name="register_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {self.condition} {self.period_end}"

    @property
    def prevalence(self) -> float | None:
        return self.register_size / self.list_size if self.list_size else None


class AgeSexRegister(models.Model):
    """Patients on a condition register by age band and sex: what direct standardisation needs.

    QOF publishes registers for all ages only; these come from patient-level data (the measures
    engine) or a local extract, and let pages show directly age-standardised rates.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="age_sex_registers"
    )
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="age_sex_registers"
    )
    period_end = models.DateField(help_text="End of the reporting period")
    age_band = models.CharField(max_length=8, help_text="e.g. 0-4, 85-89, 90+")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    register_size = models.PositiveIntegerField()
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["organisation", "condition", "period_end", "sex", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "condition", "period_end", "age_band", "sex"],
                name="age_sex_register_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.organisation.ods_code} {self.condition} {self.period_end} "
            f"{self.sex} {self.age_band}: {self.register_size}"
        )
