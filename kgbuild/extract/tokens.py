"""spaCy's English tokenizer, made faster without changing a single token.

The extractor tokenises every text once, so the tokenizer's cost on words it has not seen
yet is most of spaCy's share of the work: lexical attributes computed for each new word,
and the affix and URL regexes (alternations of a hundred-odd patterns) tried at every
position of every new chunk.  Each shortcut below skips a test whose answer is known from
the chunk's characters; tests/test_extract_tokens.py compares the tokens with spaCy's.
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_suffix_regex

# spaCy leaves the full stop on "mIoU." or "ImageNet-1K." (mixed case before it), which
# would hide the name from the phrase matcher at every sentence end.
SENTENCE_FINAL_STOP = r"(?<=[A-Za-z0-9])\.$"
# spaCy caches the first 10,000 distinct chunks only; a corpus has many more, and every
# chunk missing from the cache is split by the affix rules again (a few MB per 50,000).
TOKENIZER_CACHE_SIZE = 50_000
# The longest suffix spaCy's English rules can split off, apart from runs of full stops
# (searched in full): a unit after a number ("km/h", "mbar").  The tests check this against
# the rules, so that a spaCy upgrade cannot silently break it.
LONGEST_SUFFIX = 5
# What the longer rules end in, besides letters and digits: "……", "US$" (and ".." above).
MULTI_CHARACTER_SUFFIX_ENDS = frozenset("…$")
# A chunk of letters alone is one token (unless a special case, "cannot", which spaCy
# looks up first): every English prefix and infix rule needs a digit, a punctuation mark or
# a symbol, and no suffix rule splits letters from letters (tests/test_extract_tokens.py).
# As spaCy's ``token_match`` it is tested before the affix and URL rules, and being a
# built-in it costs no Python call: those rules, each a Python function that spaCy called
# on every new chunk and again on what was left of it once an affix was split off, now
# only see chunks with something else than letters.
LETTERS_ONLY = str.isalpha


def tune_tokenizer(nlp: Language) -> None:
    # The phrase matchers read ORTH and LOWER only; computing the other lexical attributes
    # (shape, stop word, like_num, ...) for every new word was a third of the tokenising.
    # (str.lower, spaCy's getter without the Python function around it)
    nlp.vocab.lex_attr_getters = {LOWER: str.lower}
    stock = nlp.tokenizer
    suffixes = list(nlp.Defaults.suffixes) + [SENTENCE_FINAL_STOP]
    # One new tokenizer rather than four changed settings: each setting re-tokenises the
    # thousand-odd special cases.
    nlp.tokenizer = Tokenizer(
        nlp.vocab, rules=stock.rules, token_match=LETTERS_ONLY,
        prefix_search=stock.prefix_search,
        suffix_search=suffix_at_end(compile_suffix_regex(suffixes).search),
        infix_finditer=stock.infix_finditer,
        url_match=_only_with_a_dot(stock.url_match),
        faster_heuristics=stock.faster_heuristics, max_cache_size=TOKENIZER_CACHE_SIZE)


def _only_with_a_dot(url_match):
    """spaCy's URL test, run only on chunks with a full stop: its host part is either an
    IPv4 address or dot-separated labels, so a chunk without one is never a URL (the
    pattern backtracks over the whole of every word it is tried on)."""

    def url_match_if_dotted(chunk: str):
        return "." in chunk and url_match(chunk)

    return url_match_if_dotted


def suffix_at_end(search):
    """spaCy's suffix search (every rule ends in "$") tried only where a suffix can start:
    ``search`` tries every position of the chunk, the chunk's last characters suffice."""

    def find_suffix(chunk: str):
        if chunk.isalpha():
            return None
        last = chunk[-1:]
        if last.isascii() and last.isalnum():
            # No rule ends in an ASCII digit; the ones ending in an ASCII letter are "'s"
            # and units right after a number ("5km").
            # (a tail of letters alone, "-detection", needs no look at each character)
            if last.isdigit() or (chunk[-2:-1] not in ("'", "’")
                                  and ((tail := chunk[-LONGEST_SUFFIX - 1:]).isalpha()
                                       or not any(c.isdigit() for c in tail))):
                return None
        if chunk.endswith(".."):
            return search(chunk)
        if last not in MULTI_CHARACTER_SUFFIX_ENDS and not last.isalnum():
            return search(chunk, max(0, len(chunk) - 1))  # "model,": only one-character rules end so
        return search(chunk, max(0, len(chunk) - LONGEST_SUFFIX))

    return find_suffix
