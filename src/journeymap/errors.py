"""Problems that stop the tool from doing its job (exit 2), as opposed to findings in a map."""


class JourneymapError(Exception):
    """The message is one line that says what went wrong and what to do."""


class ConfigProblem(JourneymapError):
    """The configuration file or a flag names something journeymap does not know."""


class UsageProblem(JourneymapError):
    """The command was asked for something it cannot do."""


class OutputError(JourneymapError):
    """A result cannot be written: a full disk, a folder that is not writable, /dev/full."""


# Exit codes (CONVENTIONS): 0 done and clean, 1 the maps are at fault, 2 the tool could not do its job.
EXIT_OK, EXIT_FINDINGS, EXIT_TOOL = 0, 1, 2
