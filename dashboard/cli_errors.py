"""The two ways an ``mbc-navigator`` command can fail, each with its own exit status."""


class UsageError(Exception):
    """A problem with what the user typed: printed as one line, exit status 2."""


class CommandFailed(Exception):
    """The command was well formed but could not finish (e.g. the registry is unreachable): status 1."""


#: The profile field each command-line option fills, in the order ``--help`` lists them; one table
#: for reading the options and for naming the option in an error about a field.
PROFILE_OPTIONS: dict[str, str] = {
    "subtype": "--subtype",
    "hormone_receptor": "--hormone-receptor",
    "sites": "--sites",
    "brain_mets": "--brain-mets",
    "age": "--age",
    "sex": "--sex",
    "menopausal_status": "--menopausal-status",
    "ecog": "--ecog",
    "biomarkers": "--biomarkers",
    "prior_therapies": "--prior-therapies",
    "prior_lines": "--lines",
    "zip_code": "--zip",
    "travel_miles": "--miles",
}
