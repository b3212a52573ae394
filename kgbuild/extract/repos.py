"""Code-repository URLs: find them in text and write them in one canonical form.

Canonical form is ``https://HOST/OWNER/REPO`` (Hugging Face keeps its optional
``datasets/`` or ``spaces/`` prefix because that is part of the identity there).
Everything after the repository segment (``/tree/main/x``, ``#readme``, ``.git``)
and the punctuation a sentence or LaTeX source leaves glued to a URL is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kgbuild.extract.resources import term_list

REPO_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co")

# A URL candidate: stops at whitespace and at brackets/quotes that never belong to a
# repository path.  Trailing punctuation is trimmed afterwards, not here, because "."
# is legal inside a repository name ("mmdetection.v2").
URL_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<host>github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)"
    r"(?P<path>/[^\s<>\"'(){}\[\]|\\^`]*)?",
    re.IGNORECASE,
)
# Path segments that name a GitHub page rather than an owner.
NOT_OWNERS = term_list("github_non_owners")
HF_NAMESPACES = term_list("huggingface_namespaces")
TRAILING_JUNK = ".,;:!?)]}>'\"*"
GLUED_URL_RE = re.compile(r"https?://", re.IGNORECASE)
SEGMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def canonical_repo_url(host: str, path: str) -> str | None:
    """``https://host/owner/repo`` or None when the path names no repository."""
    host = host.lower()
    segments = [s for s in path.split("/") if s]
    if host == "huggingface.co" and segments and segments[0].lower() in HF_NAMESPACES:
        prefix, segments = segments[0].lower(), segments[1:]
        prefix = "" if prefix == "models" else prefix + "/"
    else:
        prefix = ""
    if len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1]
    repo = repo.rstrip(TRAILING_JUNK)
    if repo.lower().endswith(".git"):
        repo = repo[:-4]
    repo = repo.rstrip(TRAILING_JUNK)
    owner = owner.rstrip(TRAILING_JUNK)
    if not owner or not repo or not SEGMENT_RE.match(owner) or not SEGMENT_RE.match(repo):
        return None
    if host == "github.com" and owner.lower() in NOT_OWNERS:
        return None
    return f"https://{host}/{prefix}{owner}/{repo}"


def find_repos(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, canonical_url)`` for each repository URL written in ``text``.

    The span covers the URL as written minus trailing punctuation, so that
    ``text[start:end]`` is a clean mention.
    """
    if "/" not in text:
        return  # a repository URL has at least owner/repo
    lowered = text.lower()
    at = [lowered.find(host) for host in REPO_HOSTS]
    if max(at) < 0:
        return  # the common case, decided by four substring scans instead of the regex
    # A match starts at most len("https://www.") before its host; the regex need not try
    # the text before that (it is slow: every position is a possible start).
    scan_from = max(0, min(a for a in at if a >= 0) - 12) if len(lowered) == len(text) else 0
    for match in URL_RE.finditer(text, scan_from):
        start = match.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".@-"):
            # "user.github.io" style project pages, or an e-mail address: not a repo host
            continue
        path = match.group("path") or ""
        end = match.end()
        # Two URLs written without a space between them ("…/repo.https://…"): the
        # first one ends where the second begins.
        glued = GLUED_URL_RE.search(path)
        if glued:
            path = path[:glued.start()]
            end = match.start("path") + glued.start()
        url = canonical_repo_url(match.group("host"), path)
        if url is None:
            continue
        while end > start and text[end - 1] in TRAILING_JUNK:
            end -= 1
        yield start, end, url
