"""The two ways an ``mbc-navigator`` command can fail, each with its own exit status."""


class UsageError(Exception):
    """A problem with what the user typed: printed as one line, exit status 2."""


class CommandFailed(Exception):
    """The command was well formed but could not finish (e.g. the registry is unreachable): status 1."""
