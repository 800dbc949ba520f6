"""The job's output rows: one per input image, captioned or not."""

# The output schema (Spark DDL), one column per field of a row tuple, in this order.
SCHEMA = "path string, caption string, tokens array<string>, score double, finished boolean, error string"


def caption_row(path, result):
    """The row of a captioned image from its `caption --json` object. `finished` is false for a
    caption cut at --max-length; a command that does not print the field finished it."""
    score = result.get("score")
    return (path, result.get("caption"), list(result.get("tokens") or []),
            float(score) if score is not None else None, bool(result.get("finished", True)), None)


def error_row(path, reason):
    """The row of an image that could not be captioned, with the reason."""
    return (path, None, None, None, None, reason or "caption gave no reason")
