"""Care: passports, appointments and referrals, with the helpers naming who recorded them."""

from datetime import datetime, timedelta
from datetime import time as clock

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from apps.appointments.models import Appointment
from apps.appointments.services import (
    appointment_book,
    appointment_outcome_record,
    follow_up_complete,
)
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.demo.loader.base import DemoLoaderBase
from apps.passport.models import Passport
from apps.passport.services import (
    passport_change_propose,
    passport_create,
    passport_proposal_accept,
    passport_proposal_reject,
    passport_section_write,
    passport_share,
)
from apps.referrals.models import Consultation, Referral
from apps.referrals.services import (
    consultation_advise,
    consultation_request,
    referral_accept,
    referral_create,
    referral_decline,
    referral_triage,
    waiting_contact_record,
)


class CareLoader(DemoLoaderBase):
    def load_passports(self, children: dict[str, Child]) -> None:
        """The young people's passports (R83-R87), written by them, shared their way, with suggestions.

        A young person who already has a passport keeps it as it is: it is theirs, not the demo's.
        """
        for record in self.data["children"]:
            if "passport" not in record:
                continue
            child = children[record["nhs_number"]]
            if Passport.objects.filter(child=child).exists():
                self.present["passports"] += 1
                continue
            try:
                self.passport_load(child, record["passport"])
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(f"The passport for {child.known_as} did not load: {detail}") from error
            self.created["passports"] += 1

    def passport_load(self, child: Child, item: dict) -> None:
        owner = child.account
        passport = passport_create(actor=self.people[item["started_with"]], child=child)
        for section, text in item["sections"].items():
            passport_section_write(actor=owner, passport=passport, section=section, text=text)
        for share in item["shares"]:
            ends_in_days = share.get("ends_in_days")
            passport_share(
                actor=owner,
                passport=passport,
                sections=share["sections"],
                recipient_user=self.people[share["user"]] if "user" in share else None,
                recipient_organisation=self.organisations[share["organisation"]]
                if "organisation" in share
                else None,
                ends_on=self.today + timedelta(days=ends_in_days) if ends_in_days else None,
            )
        for suggestion in item["proposals"]:
            proposal = passport_change_propose(
                actor=self.people[suggestion["by"]],
                passport=passport,
                section=suggestion["section"],
                text=suggestion["text"],
                reason=suggestion["reason"],
            )
            if suggestion.get("decision") == "accepted":
                passport_proposal_accept(actor=owner, proposal=proposal)
            elif suggestion.get("decision") == "rejected":
                passport_proposal_reject(actor=owner, proposal=proposal, note=suggestion.get("note", ""))

    def load_appointments(self, children: dict[str, Child]) -> None:
        """Appointments and their outcomes, through the services, so each missed one has its follow-up.

        A child who already has appointments keeps them: an outcome is history, recorded once.
        """

        entries = self.data.get("appointments", {}).get("entries", [])
        booked_for = set(
            Appointment.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for item in entries:
            child = children[item["child"]]
            if child.pk in booked_for:
                self.present["appointments"] += 1
                continue
            hour, minute = (int(part) for part in item.get("time", "10:00").split(":"))
            professional = self.people[item["professional"]]
            appointment = appointment_book(
                actor=self.people[item["booked_by"]],
                child=child,
                professional=professional,
                purpose=item["purpose"],
                starts_at=timezone.make_aware(datetime.combine(self.day(item, "on"), clock(hour, minute))),
                location=item["location"],
                location_detail=item.get("location_detail", ""),
                chosen_by_young_person=item.get("chosen_by_young_person", False),
                companion=item.get("companion", ""),
                companion_name=item.get("companion_name", ""),
                practical_support=item.get("practical_support", []),
            )
            self.created["appointments"] += 1
            if "outcome" not in item:
                continue
            appointment = appointment_outcome_record(
                actor=professional,
                appointment=appointment,
                outcome=item["outcome"],
                note=item.get("outcome_note", ""),
                companion_wish_met=item.get("companion_wish_met"),
            )
            if "follow_up" in item:
                answers = dict(item["follow_up"])
                follow_up_complete(
                    actor=self.people[answers.pop("by")],
                    follow_up=appointment.follow_ups.get(),
                    **answers,
                )
                self.created["missed-appointment follow-ups completed"] += 1

    def load_referrals(self, children: dict[str, Child]) -> None:
        """Consultations, referrals, decisions and waiting contacts, through the services (R32-R42, R63-R69).

        Each step is recorded when it happened ("days ago"), so the wait clocks and contacts due are real.
        A child who already has a referral keeps it, and a consultation already asked is not asked again.
        """

        section = self.data.get("referrals", {})
        now = timezone.now()

        def ago(days: int) -> datetime:
            return now - timedelta(days=days)

        consultations = {}
        for item in section.get("consultations", []):
            existing = Consultation.objects.filter(
                requested_by=self.people[item["by"]], concern=item["concern"]
            ).first()
            if existing is not None:
                consultations[item["key"]] = existing
                self.present["consultations"] += 1
                continue
            consultation = consultation_request(
                actor=self.people[item["by"]],
                receiving_organisation=self.organisations[item["to"]],
                route=item["route"],
                channel=item["channel"],
                concern=item["concern"],
                child_description=item["about"],
                what_has_been_tried=item.get("tried", ""),
                preferred_support=item.get("preferred_support", ""),
                requested_at=ago(item["days_ago"]),
            )
            if "advice" in item:
                advice = item["advice"]
                consultation_advise(
                    actor=self.people[advice["by"]],
                    consultation=consultation,
                    advice=advice["text"],
                    outcome=advice["outcome"],
                    advised_at=ago(advice["days_ago"]),
                )
            consultations[item["key"]] = consultation
            self.created["consultations"] += 1
        referred = set(
            Referral.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for item in section.get("entries", []):
            child = children[item["child"]]
            if child.pk in referred:
                self.present["referrals"] += 1
                continue
            referral = referral_create(
                actor=self.people[item["by"]],
                child=child,
                receiving_organisation=self.organisations[item["to"]],
                route=item["route"],
                referrer_name=item.get("referrer_name", ""),
                referrer_contact=item.get("referrer_contact", ""),
                presenting_needs=item["presenting_needs"],
                professional_concern=item["professional_concern"],
                family_concern=item["family_concern"],
                what_has_been_tried=item.get("tried", ""),
                young_person_views=item.get("views", ""),
                preferred_support=item.get("preferred_support", ""),
                consent_to_refer=item["consent"],
                consultation=consultations.get(item.get("consultation")),
                received_at=ago(item["received_days_ago"]),
            )
            self.created["referrals"] += 1
            if "triage" in item:
                step = item["triage"]
                referral_triage(
                    actor=self.people[step["by"]],
                    referral=referral,
                    urgency=step["urgency"],
                    triage_note=step.get("note", ""),
                    triaged_at=ago(step["days_ago"]),
                )
            if "accept" in item:
                step = item["accept"]
                referral_accept(
                    actor=self.people[step["by"]], referral=referral, accepted_at=ago(step["days_ago"])
                )
                for contact in item.get("contacts", []):
                    waiting_contact_record(
                        actor=self.people[contact["by"]],
                        entry=referral.waiting_entry,
                        method=contact["method"],
                        spoke_with=contact["spoke_with"],
                        contacted_at=ago(contact["days_ago"]),
                        explained_service=contact["explained_service"],
                        risk_check=contact["risk_check"],
                        signposting=contact["signposting"],
                    )
                    self.created["waiting contacts"] += 1
            if "decline" in item:
                step = item["decline"]
                referral_decline(
                    actor=self.people[step["by"]],
                    referral=referral,
                    reason=step["reason"],
                    explanation=step["explanation"],
                    alternatives=[
                        {
                            **alternative,
                            "organisation": self.organisations.get(alternative.get("organisation", "")),
                        }
                        for alternative in step["alternatives"]
                    ],
                    declined_at=ago(step["days_ago"]),
                )

    def lead_professional(self, record: dict) -> str:
        """The username of the child's lead professional now (after any handover), else of their creator."""
        lead = (record.get("handover") or {}).get("to") or (record.get("lead_professional") or {}).get(
            "member"
        )
        return lead if lead in self.person_records else record["created_by"]

    def team_recipients(self, record: dict) -> list[dict]:
        """Who the standard consent names: the lead professional's organisation, and by name each
        professional in the team from another organisation."""
        home = self.person_records[self.lead_professional(record)]["organisation"]
        recipients = [{"to_organisation": home}]
        for member in record.get("team", []):
            username = member.get("user")
            if not username or "ended_days_ago" in member:
                continue
            if (
                self.person_records[username]["organisation"] != home
                and {"to_person": username} not in recipients
            ):
                recipients.append({"to_person": username})
        return recipients
