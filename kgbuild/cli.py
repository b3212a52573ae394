"""The command line: parse, call the library, print. Errors become one line and a hint."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from kgbuild import __version__, exit_codes, render
from kgbuild.errors import InputError, Interrupted, KgbuildError
from kgbuild.stores import DEFAULT_STORE_DIR

STORE_HELP = f"Store directory of the embedded graph [env KGBUILD_STORE; default: ./{DEFAULT_STORE_DIR}]."
EXIT_CODES_HELP = """\b
Exit codes (every command):
  0    succeeded
  1    failed: store error, refused prune, internal error (nothing more was written)
  2    usage: bad option, input path not found, bad configuration or query parameter
       (also a name no entity in the graph has)
  3    succeeded with rejects: some records set aside (see the rejects file), the rest loaded
  4    loaded nothing: every record was rejected, or the inputs held none
  69   extract --executor dask: the Dask scheduler or its workers cannot be used
  75   busy: another build or rebuild is writing to the same store or target
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM
  141  the reader of the output went away (kgbuild query ... | head): no message
"""


def _fail(message: str, hint: str = "", code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"  next: {hint}", err=True)
    sys.exit(code)


def _end_quietly_for_a_closed_pipe() -> None:
    # "kgbuild query ... | head" closes the pipe once it has its lines: not an error to
    # report, so end as a piped Unix tool does (status 128 + SIGPIPE), and point stdout at
    # /dev/null so that Python's own flush at exit does not complain either.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(exit_codes.SIGNAL_BASE + signal.SIGPIPE)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _progress(quiet: bool, desc: str, inputs: Callable[[], list[str]] | None = None,
              ) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal: bytes of the ``inputs`` files read, against their total
    size (so with an ETA); without ``inputs``, a count of papers."""
    if quiet or not _stderr_is_terminal():
        yield None
        return
    if inputs is None:
        bar = tqdm(desc=desc, unit=" papers", file=sys.stderr, dynamic_ncols=True)
    else:
        from kgbuild.sources import input_size

        bar = tqdm(desc=desc, total=input_size(inputs()), unit="B", unit_scale=True, unit_divisor=1024,
                   file=sys.stderr, dynamic_ncols=True)
    try:
        yield bar.update
    finally:
        bar.close()


def _store_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say where the graph lives; they arrive as one StoreConfig named `target`."""
    options = [
        click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                     envvar="KGBUILD_STORE", default=DEFAULT_STORE_DIR, help=STORE_HELP),
        click.option("--wait", type=float, default=0.0, show_default=True, metavar="SECONDS",
                     help="How long to wait for another kgbuild process using the same embedded store."),
        click.option("--backend", type=click.Choice(["embedded", "neo4j"]), envvar="KGBUILD_BACKEND",
                     help="Graph store [default: neo4j when --neo4j-uri/NEO4J_URI is given, else embedded]."),
        click.option("--neo4j-uri", envvar="NEO4J_URI", metavar="URI",
                     help="Neo4j URI: bolt://, neo4j:// (routing, Aura) or their +s forms [env NEO4J_URI]."),
        click.option("--neo4j-user", envvar="NEO4J_USERNAME", metavar="USER",
                     help="Neo4j user [env NEO4J_USERNAME]; the password is read from NEO4J_PASSWORD only."),
        click.option("--database", envvar="NEO4J_DATABASE", metavar="NAME",
                     help="Neo4j database [env NEO4J_DATABASE; default: the server's default]."),
    ]

    def wrapper(store_dir: Path, wait: float, backend: str | None, neo4j_uri: str | None,
                neo4j_user: str | None, database: str | None, **kwargs: Any) -> Any:
        from kgbuild.stores import StoreConfig

        kwargs["target"] = StoreConfig(
            backend=backend or ("neo4j" if neo4j_uri else "embedded"), directory=store_dir, wait=wait,
            neo4j_uri=neo4j_uri, neo4j_user=neo4j_user, database=database,
        )
        return func(**kwargs)

    functools.update_wrapper(wrapper, func)
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _open(target, batch_size: int | None = None, read_only: bool = False):
    from kgbuild.stores import open_store

    if batch_size:
        target = target.model_copy(update={"batch_size": batch_size})
    return open_store(target, read_only=read_only)


def _check_inputs(inputs: tuple[str, ...]) -> list[str]:
    from kgbuild.sources import require_paths

    if not inputs:
        raise InputError("no input files given",
                         hint="pass files or directories (kgbuild build my-papers.jsonl), or try kgbuild build --sample")
    require_paths(inputs)
    return list(inputs)


class KgbuildGroup(click.Group):
    """Turns kgbuild's own errors into one line plus a next step, and hides tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgbuildError as exc:
            _fail(str(exc), exc.hint, exc.exit_code)
        except BrokenPipeError:
            _end_quietly_for_a_closed_pipe()
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            _fail(f"{exc.strerror or exc}{where}", "check the path and its permissions")
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence for the user
            if os.environ.get("KGBUILD_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc}",
                  "this is a kgbuild bug; rerun with KGBUILD_DEBUG=1 for a traceback and report it")


@click.group(cls=KgbuildGroup, epilog=EXIT_CODES_HELP,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kgbuild")
def cli() -> None:
    """Turn ML paper abstracts into a knowledge graph you can query.

    \b
    Quick start:
      kgbuild build --sample                   # the bundled sample: ingest, extract, load into ./kgbuild-data
      kgbuild query backbones-evaluated-on --param dataset=COCO
      kgbuild stats
    """


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--sample", is_flag=True,
              help="Build the sample that ships with kgbuild (321 listing entries, 292 papers) instead of INPUTS.")
@_store_options
@click.option("--format", "fmt", type=click.Choice(["listing", "jsonl", "json", "csv", "arxiv"]),
              help="Input format (default: from each file's extension).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Extraction processes.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None,
              help="Rows per write statement (default 1000).")
@click.option("--full", is_flag=True, help="Re-extract and rewrite every paper, changed or not.")
@click.option("--id-field", default="id", show_default=True, metavar="NAME",
              help="JSON field or CSV column holding each record's own id (kept on the paper as record_id; "
                   "its identity when it has no arXiv id or DOI).")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Where malformed records go, appended with this run's id [default: STORE/rejects.jsonl].")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def build(inputs: tuple[str, ...], sample: bool, target, fmt: str | None, workers: int,
          batch_size: int | None, full: bool, id_field: str, rejects: Path | None, as_json: bool,
          quiet: bool) -> None:
    """Ingest INPUTS, extract entities and facts, and load them into the graph.

    INPUTS are files or directories: listing pages (.txt), JSON Lines / JSON arrays,
    CSV with a header, or arXiv metadata snapshots; any of them may be gzip-compressed.
    Re-running on the same input changes nothing; a changed abstract replaces its own facts.

    \b
    Example:
      kgbuild build examples/sample --store ./kgbuild-data
      kgbuild build --sample                  # the sample shipped with kgbuild, from anywhere
      kgbuild build my-papers.jsonl --id-field paper_id
    """
    from kgbuild.build import build as run_build

    if sample:
        if inputs:
            raise InputError("--sample builds the bundled sample and takes no INPUTS",
                             hint="drop --sample to build your files, or drop the INPUTS")
        from kgbuild.shipped import sample_files

        inputs = tuple(sample_files())
    paths = _check_inputs(inputs)
    default_rejects = target.directory / "rejects.jsonl" if target.backend == "embedded" else Path("rejects.jsonl")
    with _open(target, batch_size) as store, _progress(quiet, "reading", lambda: paths) as progress:
        summary = run_build(paths, store, workers=workers, fmt=fmt, force=full, progress=progress,
                            rejects_path=rejects or default_rejects, id_field=id_field)
    if as_json:
        click.echo(summary.model_dump_json(indent=1))
    else:
        counts = summary.counts
        click.echo(f"run            {summary.run_id}")
        click.echo(f"papers         {counts.papers} distinct ({counts.entries} entries read, "
                   f"{counts.duplicates} duplicates)")
        click.echo(f"rejected       {counts.rejected}" + (f" (see {summary.rejects_file}, lines of run "
                                                         f"{summary.run_id})" if summary.rejects_file else ""))
        _echo_skipped(summary.skipped_files, "skipped       ")
        if summary.full:
            click.echo(f"loaded         {summary.written} new, {summary.replaced} rewritten (--full)")
        else:
            click.echo(f"loaded         {summary.written} new, {summary.replaced} changed, "
                       f"{summary.unchanged} unchanged")
        click.echo(render.counts_text(summary.graph).replace("papers        ", "graph papers  ", 1))
        click.echo(f"seconds        {summary.seconds}")
        click.echo(f"store          {summary.store}")
    _exit_for(summary.counts.papers, summary.counts.rejected)


def _echo_skipped(skipped: list[str], label: str) -> None:
    if skipped:
        click.echo(f"{label} {len(skipped)} files of no input type (name them, or give --format): "
                   + ", ".join(skipped))


def _exit_for(papers: int, rejected: int) -> None:
    code = exit_codes.OUTCOMES[exit_codes.outcome(papers, rejected)]
    if code == exit_codes.NOTHING_LOADED and rejected:
        click.echo(f"error: nothing loaded: all {rejected} records read were rejected", err=True)
        click.echo("  next: see the rejects file for why; pass --format if the format was guessed wrong", err=True)
    elif code == exit_codes.NOTHING_LOADED:
        click.echo("error: nothing loaded: the inputs hold no records", err=True)
        click.echo("  next: check that these are the files you meant", err=True)
    sys.exit(code)


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines file to write, one object per distinct paper.")
@click.option("--format", "fmt", type=click.Choice(["listing", "jsonl", "json", "csv", "arxiv"]),
              help="Input format (default: from each file's extension).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Extraction processes (with --executor dask and no --scheduler: processes of the "
                   "local Dask cluster, default one per core).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run extraction on this machine, or on a Dask cluster (same output).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="ADDRESS",
              help="Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 [env DASK_SCHEDULER_ADDRESS; "
                   "default: a temporary local Dask cluster].")
@click.option("--partitions", type=click.IntRange(1, 1_000_000), metavar="N",
              help="Dask tasks to cut the inputs into [default: 4 per worker thread, at least 64 KiB each].")
@click.option("--id-field", default="id", show_default=True, metavar="NAME",
              help="JSON field or CSV column holding each record's own id (kept as the paper's record_id).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def extract(ctx: click.Context, inputs: tuple[str, ...], out: Path, fmt: str | None, workers: int,
            executor: str, scheduler: str | None, partitions: int | None, id_field: str, quiet: bool) -> None:
    """Extract entities, relations and results from INPUTS into a JSON Lines file (no graph).

    Malformed records go to OUT's name with .rejects.jsonl. With --executor dask, partitions
    of the inputs run on a Dask cluster and OUT is the same, byte for byte; the inputs and
    OUT's directory must be on storage every worker sees at the same path (docs/cluster.md).

    \b
    Example:
      kgbuild extract examples/sample --out extracted.jsonl
      kgbuild extract /shared/corpus --out /shared/extracted.jsonl --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from kgbuild.build import extract_to_jsonl

    paths = _check_inputs(inputs)
    rejects = out.with_name(out.stem + ".rejects.jsonl")
    scheduler_given = ctx.get_parameter_source("scheduler") is click.core.ParameterSource.COMMANDLINE
    if executor == "local" and (partitions or scheduler_given):
        raise InputError("--scheduler and --partitions are for the Dask executor",
                         hint="add --executor dask")
    if executor == "dask" and id_field != "id":
        raise InputError("--id-field is not supported with --executor dask",
                         hint="rename the field to id in the inputs, or extract with the local executor")
    with _progress(quiet, "papers" if executor == "dask" else "reading",
                   None if executor == "dask" else lambda: paths) as progress:
        if executor == "dask":
            from kgbuild.distributed import extract_with_dask

            summary = extract_with_dask(paths, out, scheduler=scheduler, fmt=fmt, rejects_path=rejects,
                                        partitions=partitions, progress=progress,
                                        local_workers=workers if workers > 1 else None)
        else:
            summary = extract_to_jsonl(paths, out, workers=workers, rejects_path=rejects, fmt=fmt,
                                       progress=progress, id_field=id_field)
    counts = summary.counts
    click.echo(f"papers    {counts.papers} distinct ({counts.entries} entries read, {counts.duplicates} duplicates)")
    click.echo(f"rejected  {counts.rejected}" + (f" (see {summary.rejects_file})" if summary.rejects_file else ""))
    _echo_skipped(summary.skipped_files, "skipped  ")
    click.echo(f"written   {summary.out}")
    if executor == "dask":
        click.echo(f"dask      {summary.partitions} partitions on {summary.workers} workers ({summary.scheduler})")
    click.echo(f"seconds   {summary.seconds}")
    _exit_for(counts.papers, counts.rejected)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param needs key=value, got {pair!r}",
                             hint="for example: --param dataset=COCO")
        params[key.strip()] = value
    return params


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@_store_options
def query(name: str, params: tuple[str, ...], fmt: str, target) -> None:
    """Run the named query NAME from the query packs (list them with: kgbuild packs).

    \b
    Example:
      kgbuild query backbones-evaluated-on --param dataset=DOTA
      kgbuild query leaderboard -p dataset=COCO -p metric="box AP" --format csv
    """
    from kgbuild.queries import find_query

    from kgbuild.queries import require_entities

    named = find_query(name)
    raw = _parse_params(params)
    bound = named.bind(raw)
    _require_store(target)
    with _open(target, read_only=True) as store:
        result = store.query(named.cypher, bound)
        if not result.rows:
            require_entities(store, named, raw, bound)  # a name no entity has is a mistake, not "no rows"
    click.echo(render.query_result(result, fmt))


def _require_store(target) -> None:
    """Reading commands must not create an empty embedded store by accident."""
    if target.backend == "embedded" and not target.directory.is_dir():
        raise InputError(f"no graph store at {target.directory}",
                         hint="build one first (kgbuild build INPUT...) or point --store/KGBUILD_STORE at it")


@cli.group(invoke_without_command=True)
@click.pass_context
def packs(ctx: click.Context) -> None:
    """List the named queries of the query packs, and where each was read from.

    The packs ship with kgbuild ("shipped"). Your own packs: .cypher files in a directory named
    by KGBUILD_PACKS (several separated by ':'); a pack of yours named like a shipped one
    (e.g. evaluation.cypher) replaces it.

    \b
    Example:
      kgbuild packs
      kgbuild packs show leaderboard
    """
    if ctx.invoked_subcommand is not None:
        return
    from kgbuild.queries import load_packs

    rows = []
    for named in load_packs().values():
        params = ", ".join(p.name if p.required else f"{p.name}={p.default}" for p in named.params)
        origin = named.origin if len(named.origin) <= render.MAX_CELL else "…" + named.origin[1 - render.MAX_CELL:]
        rows.append([named.pack, named.name, params, named.description, origin])
    click.echo(render.table(["pack", "query", "params", "description", "from"], rows))


@packs.command("show")
@click.argument("name")
def packs_show(name: str) -> None:
    """Print the Cypher of query NAME, ready to paste into Neo4j Browser.

    \b
    Example:
      kgbuild packs show backbones-evaluated-on
    """
    from kgbuild.queries import find_query

    named = find_query(name)
    click.echo(f"// {named.name}: {named.description}")
    click.echo(f"// from: {named.origin} (pack {named.pack})")
    for param in named.params:
        default = "required" if param.required else f"default {param.default!r}"
        click.echo(f"// ${param.name}: {param.type}, {default}")
    click.echo(named.cypher + ";")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_store_options
def stats(fmt: str, target) -> None:
    """Count papers, entities by type and relationships by type in the graph.

    \b
    Example:
      kgbuild stats --format json
    """
    _require_store(target)
    with _open(target, read_only=True) as store:
        counts = store.counts()
    click.echo(render.counts_json(counts) if fmt == "json" else render.counts_text(counts))


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["graphml", "json", "neo4j-import"]), required=True,
              help="graphml, json: the stored graph; neo4j-import: INPUTS as CSV files for neo4j-admin.")
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path),
              help="FILE for graphml and json; DIR (created if missing) for neo4j-import.")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Extraction processes (neo4j-import).")
@click.option("--id-field", default="id", show_default=True, metavar="NAME",
              help="neo4j-import: JSON field or CSV column holding each record's own id, as build takes it.")
@_store_options
def export(inputs: tuple[str, ...], fmt: str, out: Path, workers: int, id_field: str, target) -> None:
    """Write the whole graph to a GraphML or node-link JSON file (through networkx), or
    export INPUTS for a first bulk load into Neo4j with neo4j-admin (--format neo4j-import).

    neo4j-import reads, extracts and resolves INPUTS as build does, writes a header and a
    data CSV file per node label and relationship type into DIR, and prints the
    `neo4j-admin database import full` command that loads them (--database names the
    target database, default neo4j) and what to run after it.

    \b
    Example:
      kgbuild export --format graphml --out graph.graphml
      kgbuild export --format neo4j-import --out import/ examples/sample --workers 2
    """
    if fmt == "neo4j-import":
        _export_neo4j_import(inputs, out, workers, id_field, target)
        return
    from kgbuild.export.netgraph import to_networkx, write_graph

    if inputs:
        raise InputError(f"--format {fmt} exports the stored graph and takes no INPUT arguments",
                         hint="build first (kgbuild build INPUT...), or use --format neo4j-import to export INPUTS")
    if out.is_dir():
        raise InputError(f"{out} is a directory; --format {fmt} writes one file", hint="give --out a file name")
    _require_store(target)
    with _open(target, read_only=True) as store:
        nodes, relationships = store.export()
    graph = to_networkx(nodes, relationships)
    write_graph(graph, out, fmt)
    click.echo(f"wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships to {out}")


def _export_neo4j_import(inputs: tuple[str, ...], out: Path, workers: int, id_field: str, target) -> None:
    from kgbuild.export.neo4j_import import export_for_neo4j_import, render_command

    with _progress(False, "reading", lambda: list(inputs)) as progress:
        summary = export_for_neo4j_import(list(inputs), out, workers=workers, progress=progress,
                                          database=target.database, neo4j_uri=target.neo4j_uri,
                                          neo4j_user=target.neo4j_user, id_field=id_field)
    counts = summary.counts
    click.echo(f"papers         {counts.papers} distinct ({counts.entries} entries read, "
               f"{counts.duplicates} duplicates)")
    click.echo(f"rejected       {counts.rejected}" + (f" (see {summary.rejects_file})" if summary.rejects_file else ""))
    click.echo("nodes          " + ", ".join(f"{k} {v}" for k, v in summary.nodes.items()))
    click.echo("relationships  " + ", ".join(f"{k} {v}" for k, v in summary.relationships.items()))
    click.echo(f"wrote          {2 * len(summary.files)} files (header + data per label and type) to {summary.out_dir}")
    click.echo(f"seconds        {summary.seconds}")
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"\nimport with Neo4j stopped (it replaces database {summary.database}):\n")
    click.echo(render_command(summary.argv, wrap=True))
    click.echo("\nthen:")
    for number, step in enumerate(summary.next_steps, 1):
        click.echo(f"  {number}. {step}")
    _exit_for(counts.papers, counts.rejected)


@cli.command("eval")
@click.argument("gold", nargs=-1, required=True)
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=str),
              help="Papers to extract [default: GOLD's directory/<stem>_input.jsonl or dev_input.jsonl].")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the extractor's JSON Lines output here (with --cv: each paper as predicted by "
                   "the models of the fold that held it out, in the order of the annotated files).")
@click.option("--cv", is_flag=True,
              help="Cross-validate instead: retrain every model on all but one of --folds folds of the "
                   "annotated papers and score the held-out fold, for each fold.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Folds for --cv.")
@click.option("--seed", type=int, default=13, show_default=True,
              help="For --cv: how the papers are dealt into folds (and the training's seed); "
                   "a second seed shows how much a figure owes to one dealing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_command(gold: tuple[str, ...], inputs: tuple[str, ...], out: Path | None, cv: bool, folds: int,
                 seed: int, fmt: str) -> None:
    """Score the extractor against annotated papers (precision, recall, F1).

    With --cv, GOLD is one or more annotated files, each optionally named GROUP=FILE:
    files of one group are scored together (default group: the file's name), and no paper
    is scored by a model trained on it.  Training needs scikit-learn (pip install "kgbuild[train]").

    \b
    Examples:
      kgbuild eval gold.jsonl                 # texts in gold_input.jsonl beside it
      kgbuild eval --cv sample=dev.jsonl sample=train.jsonl scirex=train_scirex.jsonl
    """
    if cv:
        _cross_validate(gold, folds, seed, fmt, out)
        return
    if len(gold) != 1:
        raise InputError("eval without --cv scores one annotated file", hint="pass one GOLD file, or add --cv")
    gold_path = _existing(gold[0])
    import tempfile

    from kgbuild.build import extract_to_jsonl
    from kgbuild.evaluate import format_report, score

    paths = list(inputs) or [str(_default_eval_input(gold_path))]
    with tempfile.TemporaryDirectory() as scratch:
        target = out or Path(scratch) / "predicted.jsonl"
        extract_to_jsonl(paths, target, rejects_path=target.with_name(target.stem + ".rejects.jsonl"))
        predicted = _read_jsonl(target)
    report = score(_read_jsonl(gold_path), predicted)
    click.echo(report.model_dump_json(indent=1) if fmt == "json" else format_report(report))


def _existing(path: str) -> Path:
    found = Path(path)
    if not found.is_file():
        raise InputError(f"annotated file not found: {path}", hint="check the path (see kgbuild eval --help)")
    return found


def _annotated(specs: tuple[str, ...]):
    """``[GROUP=]FILE`` arguments read with their ``<stem>_input.jsonl`` texts."""
    from kgbuild.train import read_annotated

    annotated = []
    for spec in specs:
        group, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        gold_path = _existing(path)
        annotated += read_annotated(gold_path, _default_eval_input(gold_path), group or gold_path.stem)
    return annotated


def _cross_validate(specs: tuple[str, ...], folds: int, seed: int, fmt: str, out: Path | None) -> None:
    from kgbuild.crossval import cross_validate, format_cross_validation

    annotated = _annotated(specs)
    kept: dict[str, dict] = {}

    def keep(held, fold: int, row: dict) -> None:
        kept[held.paper.id] = {**row, "cv": {"group": held.group, "fold": fold, "gold": held.paper.id}}

    with tqdm(total=folds, desc="folds", unit="fold", disable=None) as bar:
        result = cross_validate(annotated, folds, seed, progress=lambda done: bar.update(done - bar.n),
                                held_out=keep if out else None)
    if out:
        import orjson

        out.write_bytes(b"".join(orjson.dumps(kept[a.paper.id]) + b"\n" for a in annotated))
    click.echo(result.model_dump_json(indent=1) if fmt == "json" else format_cross_validation(result))


@cli.command()
@click.argument("gold", nargs=-1, required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the models [default: the package's own models folder].")
@click.option("--seed", type=int, default=None, help="Random seed [default: the fixed seed of kgbuild.train].")
def train(gold: tuple[str, ...], out: Path | None, seed: int | None) -> None:
    """Train the extractor's decisions from annotated papers and write the models.

    GOLD: annotated files in the annotation guideline's format, each beside its texts
    (<stem>_input.jsonl).  Needs scikit-learn (pip install "kgbuild[train]").  The shipped
    models are trained by this command on the project's annotated abstracts (which files:
    kgbuild/data/models/README.md).

    \b
    Example:
      kgbuild train dev.jsonl train.jsonl train_scirex.jsonl
    """
    from kgbuild.extract.decisions import MODEL_DIR
    from kgbuild.train import SEED, train_decisions, write_models

    annotated = _annotated(gold)
    decisions = train_decisions(annotated, SEED if seed is None else seed)
    for path in write_models(decisions, out or MODEL_DIR):
        model = decisions.models[path.stem]
        click.echo(f"wrote {path} ({sum(len(w) for w in model.weights)} weights, {path.stat().st_size:,} bytes)")
    click.echo(f"trained on {len(annotated)} annotated papers; "
               "a build re-extracts stored papers when the models change")


def _default_eval_input(gold: Path) -> Path:
    for candidate in (gold.with_name(f"{gold.stem}_input.jsonl"), gold.with_name("dev_input.jsonl")):
        if candidate.exists():
            return candidate
    raise InputError(f"no input texts found beside {gold}",
                     hint="pass the annotated papers' texts with --input FILE")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    import orjson

    rows = []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if line.strip():
            try:
                rows.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc})", hint="fix or remove that line") from None
    return rows


@cli.command()
@_store_options
def schema(target) -> None:
    """Create the graph's uniqueness constraints and indexes (done by every load anyway).

    \b
    Example:
      kgbuild schema --neo4j-uri bolt://localhost:7687 --neo4j-user neo4j
    """
    with _open(target) as store:
        store.ensure_schema()
    click.echo(f"schema ready in {target.describe()}")


@cli.command()
@click.option("--top", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="How many methods, datasets and communities to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_store_options
def analyze(top: int, fmt: str, target) -> None:
    """Rank the most central methods and datasets and find communities of co-evaluated datasets.

    Runs networkx on the methods, datasets and EVALUATED_ON relationships of the graph:
    PageRank on its method and dataset projections, greedy modularity communities of
    datasets evaluated together.

    \b
    Example:
      kgbuild analyze --top 15
      kgbuild analyze --format json > analysis.json
    """
    from kgbuild.analyze import EVALUATIONS_QUERY, analysis_text, evaluations_graph
    from kgbuild.analyze import analyze as run_analysis

    _require_store(target)
    with _open(target, read_only=True) as store:
        rows = store.query(EVALUATIONS_QUERY).rows
    result = run_analysis(evaluations_graph(rows), top=top)
    click.echo(result.model_dump_json(indent=1) if fmt == "json" else analysis_text(result))


@cli.command("browser-assets")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write style.grass and guide.html into (created if missing).")
def browser_assets(out_dir: Path) -> None:
    """Write the Neo4j Browser style sheet and a guide with every named query of the packs.

    \b
    Example:
      kgbuild browser-assets --out cypher/browser
      cd cypher/browser && python3 -m http.server 8001
      # in Neo4j Browser: :play http://localhost:8001/guide.html
    """
    from kgbuild.browser import write_browser_assets

    for path in write_browser_assets(out_dir):
        click.echo(f"wrote {path}")
    click.echo("next: serve the directory over http (localhost is allowed by default) and run "
               ":play http://localhost:PORT/guide.html in Neo4j Browser; drop style.grass on the :style frame")


@cli.command()
@_store_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read the graph.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True, metavar="SECONDS",
              help="Longest a page's query may run; a slower one gets an error page.")
def serve(target, host: str, port: int, timeout: float) -> None:
    """Serve a read-only website over the graph: search, entity, paper and query pack pages,
    a graph view, and every page as JSON (?format=json).

    The embedded store is opened as a reader: a build or rebuild may run while the site is
    up, and the site shows the new graph once the rebuild completes.

    \b
    Example:
      kgbuild serve                      # then open http://127.0.0.1:8765/
      kgbuild serve --neo4j-uri bolt://localhost:7687 --port 8080
    """
    from kgbuild.serve.server import exposure_warning, serve as run_site

    _require_store(target)
    warning = exposure_warning(host)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    run_site(target, host=host, port=port, timeout=timeout, announce=lambda line: click.echo(line, err=True))


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The rebuild configuration (write a commented one with --init).")
@click.option("--init", "init_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write a commented configuration with every setting to FILE and stop (nothing is built).")
@click.option("--full", is_flag=True, help="Re-extract and rewrite every paper, changed or not.")
@click.option("--max-prune", type=click.FloatRange(0, 1), metavar="SHARE",
              help="For this run, the largest share of stored papers pruning may remove "
                   "[default: options.max_prune, 0.2].")
@click.option("--json", "as_json", is_flag=True, help="Print the run record as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def rebuild(config_path: Path | None, init_path: Path | None, full: bool, max_prune: float | None, as_json: bool,
            quiet: bool) -> None:
    """Rebuild the graph from the sources in a configuration file, safely and incrementally.

    Meant for cron, systemd timers and containers: only new or changed papers are
    extracted, one rebuild runs at a time per target, readers keep the previous graph
    until the new one is complete, and each run is recorded (see: kgbuild runs).
    Exit codes as for every command (kgbuild --help); 75 here: another rebuild is running.

    \b
    Example:
      kgbuild rebuild --init kgbuild.toml      # then put your papers in papers/ beside it
      kgbuild rebuild --config kgbuild.toml
    """
    from kgbuild.config import load_config
    from kgbuild.rebuild import exit_code, rebuild as run_rebuild

    if init_path is not None:
        _init_config(init_path)
        return
    if config_path is None:
        raise InputError("rebuild needs --config FILE", hint="write a commented one with: kgbuild rebuild --init kgbuild.toml")
    config = load_config(config_path)
    with _progress(quiet, "reading", lambda: [p for paths, _, _ in config.input_groups() for p in paths]) as progress:
        run = run_rebuild(config, full=full, progress=progress, max_prune=max_prune)
    click.echo(run.model_dump_json(indent=1) if as_json else render.run_text(run))
    sys.exit(exit_code(run))


def _init_config(path: Path) -> None:
    from kgbuild.shipped import init_config

    if path.exists():
        raise InputError(f"{path} already exists", hint="choose another file name, or remove it first")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(init_config(path.name), encoding="utf-8")
    click.echo(f"wrote {path}")
    click.echo(f"next: put your papers in {path.parent / 'papers'} (or edit [[sources]] paths), then run "
               f"kgbuild rebuild --config {path}")


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the target from this rebuild configuration instead of the store options.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_store_options
def runs(config_path: Path | None, limit: int, fmt: str, target) -> None:
    """List the most recent rebuilds recorded in the graph, newest first.

    \b
    Example:
      kgbuild runs --config examples/kgbuild.toml --limit 5
    """
    if config_path is not None:
        from kgbuild.config import load_config

        target = load_config(config_path).store_config()
    _require_store(target)
    with _open(target, read_only=True) as store:
        recorded = store.runs(limit)
    if fmt == "json":
        click.echo(json.dumps([r.model_dump() for r in recorded], indent=1))
        return
    rows = [[r.started, r.outcome, r.papers_added, r.papers_changed, r.papers_removed, r.papers_unchanged,
             r.papers_rejected, r.seconds, r.message] for r in recorded]
    click.echo(render.table(["started", "outcome", "added", "changed", "removed", "unchanged", "rejected",
                             "seconds", "message"], rows) if rows else "(no runs recorded)")


def _stop_on(signum: int, _frame: object) -> None:
    # A second signal while the first one's cleanup runs ends the process at once; the
    # embedded server's watchdog then stops the server.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Interrupted(signum)


def _leave_stopping_to_the_parent() -> None:
    # Ctrl-C reaches every process of the terminal's group; a forked extraction worker
    # ignores it and lets kgbuild stop the run, and SIGTERM simply ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main() -> None:
    signal.signal(signal.SIGINT, _stop_on)
    signal.signal(signal.SIGTERM, _stop_on)
    os.register_at_fork(after_in_child=_leave_stopping_to_the_parent)
    cli(prog_name="kgbuild")


if __name__ == "__main__":
    main()
