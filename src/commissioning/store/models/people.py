"""People who take part in commissioning, by stakeholder role."""

from django.db import models

from commissioning.store.models.communities import CommissioningCommunity
from commissioning.store.models.imports import added_by_import_field
from commissioning.store.models.organisations import Organisation


class RoleType(models.TextChoices):
    COMMISSIONING_MANAGER = "commissioning_manager", "Commissioning manager"
    FINANCE = "finance", "Finance"
    CONTRACTS = "contracts", "Contracts"
    PUBLIC_HEALTH = "public_health", "Public health"
    GP = "gp", "GP"
    CONSULTANT = "consultant", "Hospital consultant"
    SPECIALIST_NURSE = "specialist_nurse", "Specialist nurse"
    PROVIDER_MANAGER = "provider_manager", "Provider manager"
    THIRD_SECTOR = "third_sector", "Third sector"
    PATIENT_REPRESENTATIVE = "patient_representative", "Patient or carer representative"
    LOCAL_AUTHORITY_OFFICER = "local_authority_officer", "Local authority officer"

    @classmethod
    def clinical(cls) -> set[str]:
        return {cls.GP, cls.CONSULTANT, cls.SPECIALIST_NURSE}


class Person(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    role_type = models.CharField(max_length=32, choices=RoleType.choices)
    is_clinician = models.BooleanField("clinician", default=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    communities = models.ManyToManyField(CommissioningCommunity, blank=True, related_name="people")
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo")
    added_by_import = added_by_import_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_type_display()})"
