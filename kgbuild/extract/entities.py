"""Group the mentions of one paper into entities.

Mentions join one entity when they share a lexicon key or a normalised written form,
when one is the acronym of the other, or when one is a size/config variant ("X-T") of
a name the paper also writes bare ("X").
"""

from __future__ import annotations


from kgbuild.extract.acronyms import Definition
from kgbuild.extract.candidates import Found
from kgbuild.extract.names import split_size_suffix
from kgbuild.extract.resources import lowered_term_list
# the fallback identity of a name is the one the resolver looks names up by
from kgbuild.names import identity_key as normalise
from kgbuild.names import version_numbers

TYPE_ORDER = {"Method": 0, "Dataset": 1, "Metric": 2, "Task": 3, "Repo": 4}


def singular(norm: str) -> str:
    """"resnets" -> "resnet"; leaves short or non-plural forms alone."""
    if len(norm) > 4 and norm.endswith("s") and not norm.endswith("ss"):
        return norm[:-1]
    return norm


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[tuple, tuple] = {}

    def find(self, x):
        parent = self.parent.setdefault(x, x)
        if parent != x:
            parent = self.parent[x] = self.find(parent)
        return parent

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class EntityDraft:
    __slots__ = ("etype", "key", "mentions", "proposed", "roles", "url", "forms", "_named", "proposal")

    def __init__(self, etype: str, key: str) -> None:
        self.etype = etype
        self.key = key
        self.mentions: list[Found] = []
        self.proposed = False
        self.roles: set[str] = set()
        self.url: str | None = None
        self.forms: dict[str, int] = {}  # written form -> how often
        self._named: tuple[int, str] | None = None  # (mentions counted, name) when last worked out
        # how likely the proposed model thinks it is that the paper proposes this method
        # (whatever the flag says; a feature of its pairs)
        self.proposal = 0.0

    @property
    def name(self) -> str:
        """Asked for again and again by the features; worked out again only when mentions
        (and with them the forms) were added since."""
        if not self.forms:
            return self.key
        named = self._named
        if named is None or named[0] != len(self.mentions):
            named = self._named = (len(self.mentions), self._most_frequent_form())
        return named[1]

    def _most_frequent_form(self) -> str:
        if len(self.forms) == 1:
            return next(iter(self.forms))
        # most frequent form; ties go to the first written
        best = max(self.forms.items(), key=lambda kv: (kv[1], -self._first(kv[0])))
        return best[0]

    def _first(self, form: str) -> int:
        for i, m in enumerate(self.mentions):
            if m.text == form:
                return i
        return 0


BROAD_FIELDS = lowered_term_list("broad_fields")


def without_broad_fields(found: list[Found], lowered: dict[str, str],
                         definitions: list[tuple[str, Definition]]) -> list[Found]:
    """Broad fields ("computer vision", "deep learning") are optional in the annotation
    guideline: naming one is never a finding, so no task or method mention names one, nor the
    acronym a text defines for one ("Deep Learning (DL)")."""
    # (most texts name none: a test a field, not a look-up a mention; each field a substring
    # test, whose fast search skips ahead where an alternation of them tries every position)
    if not any(field in text for text in lowered.values() for field in BROAD_FIELDS):
        return found
    broad = BROAD_FIELDS
    defined = {lowered[field][d.short_start:d.short_end] for field, d in definitions
               if lowered[field][d.long_start:d.long_end] in BROAD_FIELDS}
    if defined:
        broad = broad | defined
    return [f for f in found if f.etype not in ("Task", "Method") or lowered[f.field][f.start:f.end] not in broad]


def keep_versions_apart(found: list[Found]) -> None:
    """A method mention whose numbers differ from its lexicon entry's ("DenseNet121" of the
    DenseNet family, "VGG19" of VGG) names its own model: it loses the family's key."""
    for f in found:
        if f.etype == "Method" and f.key and version_numbers(f.text) != version_numbers(f.key):
            f.key = None


def group_mentions(found: list[Found], definitions: list[tuple[str, Definition]]) -> list[EntityDraft]:
    union = _UnionFind()

    # a written form keeps one type per paper: the one with the strongest evidence
    norms = [normalise(f.text) for f in found]
    best_type: dict[str, tuple[int, str, str | None]] = {}
    for f, norm in zip(found, norms):
        if norm not in best_type or f.rank < best_type[norm][0]:
            best_type[norm] = (f.rank, f.etype, f.key)
    for f, norm in zip(found, norms):
        rank, etype, key = best_type[norm]
        if etype != f.etype:
            f.etype, f.key = etype, key if key is not None else f.key
    # types and keys are settled from here on: each mention's identity is made once
    identities = {id(f): (f.etype, f.key or singular(norm)) for f, norm in zip(found, norms)}

    def ident(f: Found) -> tuple:
        return identities[id(f)]

    by_span = {(f.field, f.start, f.end): f for f in found}
    for field, d in definitions:
        short = by_span.get((field, d.short_start, d.short_end))
        long = next((f for f in found if f.field == field and f.end == d.long_end and f.start >= d.long_start
                     and f.etype == (short.etype if short else None)), None)
        if short is not None and long is not None:
            union.union(ident(long), ident(short))

    bare = {singular(normalise(f.text)): f for f in found if f.etype == "Method"}
    for f in found:
        if f.etype != "Method":
            continue
        variant = split_size_suffix(f.text)
        if variant:
            base = bare.get(singular(normalise(variant[0])))
            if base is not None:
                union.union(ident(base), ident(f))

    # "representation learning" in a paper about "temporal network representation learning"
    # is the same task written short: join it to the one longer task that ends with it
    task_forms = {normalise(f.text): f for f in found if f.etype == "Task"}
    task_words = {n: f.text.lower().split() for n, f in task_forms.items()}
    for short_norm, short in task_forms.items():
        short_words = task_words[short_norm]
        longer = [f for n, f in task_forms.items() if n != short_norm and len(task_words[n]) > len(short_words)
                  and task_words[n][-len(short_words):] == short_words]
        if len({ident(f) for f in longer}) == 1:
            union.union(ident(longer[0]), ident(short))

    drafts: dict[tuple, EntityDraft] = {}
    order: list[EntityDraft] = []
    for f in found:
        root = union.find(ident(f))
        draft = drafts.get(root)
        if draft is None:
            draft = drafts[root] = EntityDraft(root[0], root[1])
            order.append(draft)
        draft.mentions.append(f)
        draft.forms[f.text] = draft.forms.get(f.text, 0) + 1
    for index, draft in enumerate(order):
        lexicon_key = next((m.key for m in draft.mentions if m.key), None)
        if lexicon_key:
            draft.key = lexicon_key  # a lexicon identity beats a normalised spelling
        for m in draft.mentions:
            m.entity = index
    return order
