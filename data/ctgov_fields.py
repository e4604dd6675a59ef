"""The API's piece names, the JSON paths they stand for, and pruning a study to chosen fields.

The client uses this table to ask only for what :meth:`data.models.Study.from_api` reads; the
local stand-in uses it to answer ``fields=`` and ``AREA[Piece]`` the way the real service does.
Names follow the official data structure (``NCTId``, ``LocationGeoPoint``, ``VersionHolder`` ...);
the table covers the pieces this project can meet, not all of the several hundred that exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_P = "protocolSection."
_ID = _P + "identificationModule."
_ST = _P + "statusModule."
_SP = _P + "sponsorCollaboratorsModule."
_DE = _P + "descriptionModule."
_CO = _P + "conditionsModule."
_DS = _P + "designModule."
_AI = _P + "armsInterventionsModule."
_OU = _P + "outcomesModule."
_EL = _P + "eligibilityModule."
_CL = _P + "contactsLocationsModule."
_RF = _P + "referencesModule."
_MI = "derivedSection.miscInfoModule."
_CB = "derivedSection.conditionBrowseModule."
_IB = "derivedSection.interventionBrowseModule."

PIECE_PATHS: dict[str, str] = {
    # sections and modules (branch nodes: asking for one returns all it holds)
    "ProtocolSection": "protocolSection",
    "ResultsSection": "resultsSection",
    "AnnotationSection": "annotationSection",
    "DocumentSection": "documentSection",
    "DerivedSection": "derivedSection",
    "IdentificationModule": _P + "identificationModule",
    "StatusModule": _P + "statusModule",
    "SponsorCollaboratorsModule": _P + "sponsorCollaboratorsModule",
    "OversightModule": _P + "oversightModule",
    "DescriptionModule": _P + "descriptionModule",
    "ConditionsModule": _P + "conditionsModule",
    "DesignModule": _P + "designModule",
    "ArmsInterventionsModule": _P + "armsInterventionsModule",
    "OutcomesModule": _P + "outcomesModule",
    "EligibilityModule": _P + "eligibilityModule",
    "ContactsLocationsModule": _P + "contactsLocationsModule",
    "ReferencesModule": _P + "referencesModule",
    "IPDSharingStatementModule": _P + "ipdSharingStatementModule",
    "LargeDocumentModule": "documentSection.largeDocumentModule",
    "MiscInfoModule": "derivedSection.miscInfoModule",
    "ConditionBrowseModule": "derivedSection.conditionBrowseModule",
    "InterventionBrowseModule": "derivedSection.interventionBrowseModule",
    # identification
    "NCTId": _ID + "nctId",
    "NCTIdAlias": _ID + "nctIdAliases",
    "OrgStudyId": _ID + "orgStudyIdInfo.id",
    "SecondaryId": _ID + "secondaryIdInfos.id",
    "BriefTitle": _ID + "briefTitle",
    "OfficialTitle": _ID + "officialTitle",
    "Acronym": _ID + "acronym",
    "OrgFullName": _ID + "organization.fullName",
    "OrgClass": _ID + "organization.class",
    # status
    "StatusVerifiedDate": _ST + "statusVerifiedDate",
    "OverallStatus": _ST + "overallStatus",
    "LastKnownStatus": _ST + "lastKnownStatus",
    "WhyStopped": _ST + "whyStopped",
    "HasExpandedAccess": _ST + "expandedAccessInfo.hasExpandedAccess",
    "StartDate": _ST + "startDateStruct.date",
    "StartDateType": _ST + "startDateStruct.type",
    "PrimaryCompletionDate": _ST + "primaryCompletionDateStruct.date",
    "PrimaryCompletionDateType": _ST + "primaryCompletionDateStruct.type",
    "CompletionDate": _ST + "completionDateStruct.date",
    "CompletionDateType": _ST + "completionDateStruct.type",
    "StudyFirstSubmitDate": _ST + "studyFirstSubmitDate",
    "StudyFirstSubmitQCDate": _ST + "studyFirstSubmitQcDate",
    "StudyFirstPostDate": _ST + "studyFirstPostDateStruct.date",
    "StudyFirstPostDateType": _ST + "studyFirstPostDateStruct.type",
    "LastUpdateSubmitDate": _ST + "lastUpdateSubmitDate",
    "LastUpdatePostDate": _ST + "lastUpdatePostDateStruct.date",
    "LastUpdatePostDateType": _ST + "lastUpdatePostDateStruct.type",
    # sponsors
    "LeadSponsorName": _SP + "leadSponsor.name",
    "LeadSponsorClass": _SP + "leadSponsor.class",
    "CollaboratorName": _SP + "collaborators.name",
    "CollaboratorClass": _SP + "collaborators.class",
    "ResponsiblePartyType": _SP + "responsibleParty.type",
    # description
    "BriefSummary": _DE + "briefSummary",
    "DetailedDescription": _DE + "detailedDescription",
    # conditions
    "Condition": _CO + "conditions",
    "Keyword": _CO + "keywords",
    # design
    "StudyType": _DS + "studyType",
    "Phase": _DS + "phases",
    "DesignAllocation": _DS + "designInfo.allocation",
    "DesignInterventionModel": _DS + "designInfo.interventionModel",
    "DesignPrimaryPurpose": _DS + "designInfo.primaryPurpose",
    "DesignMasking": _DS + "designInfo.maskingInfo.masking",
    "DesignObservationalModel": _DS + "designInfo.observationalModel",
    "DesignTimePerspective": _DS + "designInfo.timePerspective",
    "PatientRegistry": _DS + "patientRegistry",
    "EnrollmentCount": _DS + "enrollmentInfo.count",
    "EnrollmentType": _DS + "enrollmentInfo.type",
    # arms and interventions
    "ArmGroupLabel": _AI + "armGroups.label",
    "ArmGroupType": _AI + "armGroups.type",
    "ArmGroupDescription": _AI + "armGroups.description",
    "ArmGroupInterventionName": _AI + "armGroups.interventionNames",
    "InterventionType": _AI + "interventions.type",
    "InterventionName": _AI + "interventions.name",
    "InterventionDescription": _AI + "interventions.description",
    "InterventionArmGroupLabel": _AI + "interventions.armGroupLabels",
    "InterventionOtherName": _AI + "interventions.otherNames",
    # outcomes
    "PrimaryOutcomeMeasure": _OU + "primaryOutcomes.measure",
    "PrimaryOutcomeDescription": _OU + "primaryOutcomes.description",
    "PrimaryOutcomeTimeFrame": _OU + "primaryOutcomes.timeFrame",
    "SecondaryOutcomeMeasure": _OU + "secondaryOutcomes.measure",
    "SecondaryOutcomeDescription": _OU + "secondaryOutcomes.description",
    "SecondaryOutcomeTimeFrame": _OU + "secondaryOutcomes.timeFrame",
    "OtherOutcomeMeasure": _OU + "otherOutcomes.measure",
    # eligibility
    "EligibilityCriteria": _EL + "eligibilityCriteria",
    "HealthyVolunteers": _EL + "healthyVolunteers",
    "Sex": _EL + "sex",
    "GenderBased": _EL + "genderBased",
    "GenderDescription": _EL + "genderDescription",
    "MinimumAge": _EL + "minimumAge",
    "MaximumAge": _EL + "maximumAge",
    "StdAge": _EL + "stdAges",
    "StudyPopulation": _EL + "studyPopulation",
    "SamplingMethod": _EL + "samplingMethod",
    # contacts and locations
    "CentralContactName": _CL + "centralContacts.name",
    "CentralContactRole": _CL + "centralContacts.role",
    "CentralContactPhone": _CL + "centralContacts.phone",
    "CentralContactPhoneExt": _CL + "centralContacts.phoneExt",
    "CentralContactEMail": _CL + "centralContacts.email",
    "OverallOfficialName": _CL + "overallOfficials.name",
    "OverallOfficialAffiliation": _CL + "overallOfficials.affiliation",
    "OverallOfficialRole": _CL + "overallOfficials.role",
    "LocationFacility": _CL + "locations.facility",
    "LocationStatus": _CL + "locations.status",
    "LocationCity": _CL + "locations.city",
    "LocationState": _CL + "locations.state",
    "LocationZip": _CL + "locations.zip",
    "LocationCountry": _CL + "locations.country",
    "LocationGeoPoint": _CL + "locations.geoPoint",
    "LocationContactName": _CL + "locations.contacts.name",
    "LocationContactRole": _CL + "locations.contacts.role",
    "LocationContactPhone": _CL + "locations.contacts.phone",
    "LocationContactPhoneExt": _CL + "locations.contacts.phoneExt",
    "LocationContactEMail": _CL + "locations.contacts.email",
    # references
    "ReferencePMID": _RF + "references.pmid",
    "ReferenceType": _RF + "references.type",
    "ReferenceCitation": _RF + "references.citation",
    # derived
    "VersionHolder": _MI + "versionHolder",
    "RemovedCountry": _MI + "removedCountries",
    "ConditionMeshId": _CB + "meshes.id",
    "ConditionMeshTerm": _CB + "meshes.term",
    "ConditionAncestorId": _CB + "ancestors.id",
    "ConditionAncestorTerm": _CB + "ancestors.term",
    "ConditionBrowseLeafName": _CB + "browseLeaves.name",
    "InterventionMeshId": _IB + "meshes.id",
    "InterventionMeshTerm": _IB + "meshes.term",
    "InterventionAncestorId": _IB + "ancestors.id",
    "InterventionAncestorTerm": _IB + "ancestors.term",
    "InterventionBrowseLeafName": _IB + "browseLeaves.name",
    "HasResults": "hasResults",
}
"""Piece name -> dotted JSON path (lists are crossed transparently, as the API does)."""

STUDY_FIELDS: tuple[str, ...] = (
    "NCTId",
    "BriefTitle",
    "OfficialTitle",
    "Acronym",
    "OverallStatus",
    "LastUpdatePostDate",
    "StudyFirstPostDate",
    "LeadSponsorName",
    "LeadSponsorClass",
    "BriefSummary",
    "Condition",
    "Keyword",
    "StudyType",
    "DesignPrimaryPurpose",
    "DesignAllocation",
    "DesignMasking",
    "DesignObservationalModel",
    "DesignTimePerspective",
    "PatientRegistry",
    "Phase",
    "ArmGroupType",
    "InterventionType",
    "InterventionName",
    "InterventionDescription",
    "InterventionOtherName",
    "EligibilityCriteria",
    "HealthyVolunteers",
    "Sex",
    "MinimumAge",
    "MaximumAge",
    "CentralContactName",
    "CentralContactRole",
    "CentralContactPhone",
    "CentralContactPhoneExt",
    "CentralContactEMail",
    "LocationFacility",
    "LocationStatus",
    "LocationCity",
    "LocationState",
    "LocationZip",
    "LocationCountry",
    "LocationGeoPoint",
    "LocationContactName",
    "LocationContactRole",
    "LocationContactPhone",
    "LocationContactPhoneExt",
    "LocationContactEMail",
    "VersionHolder",
)
"""Exactly the pieces :meth:`Study.from_api` reads, minus ``DetailedDescription``.

The detailed description is long free text that neither the ranking nor the result list uses; it
is fetched with a single study (:data:`DETAIL_FIELDS`), where a reader may want it.
"""

DETAIL_FIELDS: tuple[str, ...] = (*STUDY_FIELDS, "DetailedDescription")
"""Everything :meth:`Study.from_api` reads, for one study shown in full."""

_KNOWN_PATHS = frozenset(PIECE_PATHS.values())
_KNOWN_PREFIXES = frozenset(
    ".".join(path.split(".")[:n]) for path in _KNOWN_PATHS for n in range(1, path.count(".") + 2)
)


class UnknownField(ValueError):
    """A ``fields`` item that is neither a known piece name nor a known JSON path."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def field_path(name: str) -> str:
    """The dotted JSON path for a piece name or a dotted path; raise :class:`UnknownField`."""
    path = PIECE_PATHS.get(name)
    if path is not None:
        return path
    if name in _KNOWN_PREFIXES:
        return name
    raise UnknownField(name)


def path_values(study: Mapping[str, Any], path: str) -> list[Any]:
    """Every value found at a dotted path, descending into lists; missing parts give nothing."""
    current: list[Any] = [study]
    for key in path.split("."):
        found: list[Any] = []
        for node in current:
            if isinstance(node, list):
                for item in node:
                    if isinstance(item, Mapping) and key in item:
                        found.append(item[key])
            elif isinstance(node, Mapping) and key in node:
                found.append(node[key])
        current = found
        if not current:
            return []
    flat: list[Any] = []
    for value in current:
        if isinstance(value, list):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


_Tree = dict[str, "_Tree | None"]


def _build_tree(paths: Iterable[str]) -> _Tree:
    tree: _Tree = {}
    for path in paths:
        node = tree
        keys = path.split(".")
        for i, key in enumerate(keys):
            if key in node and node[key] is None:
                break  # a whole branch was already asked for
            if i == len(keys) - 1:
                node[key] = None
            else:
                child = node.get(key)
                if child is None:
                    child = {}
                    node[key] = child
                node = child
    return tree


def _prune(value: Any, tree: _Tree) -> Any:
    if isinstance(value, list):
        items = [_prune(item, tree) for item in value]
        return [item for item in items if item not in (None, {}, [])]
    if not isinstance(value, Mapping):
        return None
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in tree:
            continue
        sub = tree[key]
        if sub is None:
            out[key] = item
        else:
            pruned = _prune(item, sub)
            if pruned not in (None, {}, []):
                out[key] = pruned
    return out


def prune_study(study: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """Keep only the requested paths, in the study's own key order; absent parts stay absent."""
    result = _prune(study, _build_tree(paths))
    return result if isinstance(result, dict) else {}
