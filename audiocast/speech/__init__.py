"""Speech stage: an Article becomes a Script of normalized, speakable sentences.

``build_script`` is the entry point; ``normalize``, ``split_sentences`` and
``split_for_engine`` are also used on their own (the synth stage caps sentence
length per engine), and ``apply_phonemes`` is for engines that accept phonemes.
"""

from .lexicon import Lexicon, apply_phonemes, lexicon_files
from .normalize import normalize, register_language
from .script import ScriptOptions, build_script, speak
from .sentences import split_for_engine, split_sentences

__all__ = [
    "Lexicon",
    "ScriptOptions",
    "apply_phonemes",
    "build_script",
    "lexicon_files",
    "normalize",
    "register_language",
    "speak",
    "split_for_engine",
    "split_sentences",
]
