"""The cache command: where indexes live, how large they are, and which logs they belong to."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from timeline.cli.options import DataOption, format_option, log_path

CACHE_FORMATS = ("text", "json")


def cache(
    ctx: typer.Context,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the indexes (of the --data log, if given).")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Remove the indexes that can never be used again: stale or orphaned."
        ),
    ] = False,
    format_: Annotated[str, format_option(CACHE_FORMATS, "text or json.")] = "text",
    data: DataOption = None,
) -> None:
    """Show where the indexes of large logs live, their sizes, when each was last used and its log.

    A log of 1 MiB or more is indexed after its first query, so that the next ones are quick. An
    index is "ready" while its log is unchanged, "stale" once the log changes (the next query
    builds it again), "orphaned" when the log is gone, "unreadable" when damaged or built by
    another version. Whenever an index is built, those that can never be used again are removed,
    and then the least recently used while all take more than the cap: $TIMELINE_CACHE_MAX_SIZE
    (500M, 2G; 4G when unset). Removing indexes is always safe: the logs answer without them.

    Examples:

      timeline cache

      timeline cache --prune

      timeline cache --clear --data big.json
    """
    from timeline.cache import cache_folder
    from timeline.housekeeping import cap, indexes
    from timeline.housekeeping import clear as remove
    from timeline.housekeeping import prune as remove_unusable
    from timeline.render.reports import byte_size, cache_json, write_cache
    from timeline.render.sanitize import for_terminal

    if clear and prune:
        raise typer.BadParameter("choose one", param_hint="'--clear' / '--prune'")
    folder = cache_folder()
    if folder is None:
        raise typer.BadParameter("no home folder: set TIMELINE_CACHE_DIR", param_hint="'cache'")
    kept = indexes()
    named = data is not None or (isinstance(ctx.obj, dict) and ctx.obj.get("data") is not None)
    if named:
        from timeline.index import index_file

        own = index_file(log_path(ctx, data).path)
        kept = [index for index in kept if index.file == own]
    if clear or prune:
        removed = remove(kept) if clear else remove_unusable(kept)
        freed = sum(index.size for index in removed)
        count = len(removed)
        sys.stderr.write(
            f"removed {count} file{'' if count == 1 else 's'} ({byte_size(freed)})"
            f" from {for_terminal(str(folder))}\n"
        )
        return
    limit = cap()
    if format_ == "json":
        from timeline.document import dumps

        sys.stdout.write(dumps(cache_json(str(folder), kept, limit)) + "\n")
        return
    write_cache(str(folder), kept, limit, sys.stdout)
