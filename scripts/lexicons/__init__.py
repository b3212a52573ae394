"""The lexicon builder behind ``scripts/build_lexicons.py``, in the order it works:

- ``seeds``: our own hand-written files under ``scripts/lexicon_seeds/`` (entity seeds, the
  block list, common words, split names and the word sets the rules use);
- ``readers``: the shared gazetteers and training annotations, as raw name counts;
- ``text`` and ``normalise``: string helpers, and raw names reduced to candidate names per type;
- ``candidates``: every candidate spelling per (type, key), with the links between them;
- ``decisions``: which type owns a key, which spellings are one entity, which survive and
  with which case rule;
- ``driver``: the build, the files it writes and the command line.
"""
