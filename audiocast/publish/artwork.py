"""Show artwork: the publisher's own image, checked and copied to DIR/cover.jpg|png,
or a generated square cover showing the show's title."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ..config import ARTWORK_MIN_PX, ShowConfig, artwork_problems
from ..errors import PublishError
from ..fsutil import atomic_write_bytes
from ..models import Episode

COVER_NAMES = ("cover.jpg", "cover.png")
_MARK = "audiocast generated cover v1 "

# Background gradients (top, bottom): calm, dark enough for white text (contrast >= 7:1).
_PALETTES = (
    ((18, 52, 86), (10, 24, 48)),     # night blue
    ((20, 83, 78), (8, 38, 44)),      # deep teal
    ((84, 28, 74), (38, 12, 48)),     # plum
    ((96, 40, 24), (48, 16, 12)),     # rust
    ((36, 56, 32), (14, 28, 18)),     # forest
)
_FONT_NAMES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "Arial Bold.ttf", "arialbd.ttf",
               "Arial.ttf", "arial.ttf")


def cover_path(out_dir: str | Path) -> Path | None:
    """The cover image in the output folder, if there is one."""
    for name in COVER_NAMES:
        path = Path(out_dir) / name
        if path.is_file():
            return path
    return None


def episode_art_path(out_dir: str | Path, episode: Episode) -> Path | None:
    """Episode artwork inside the output folder: episodes/<slug>.jpg|png, or
    ``episode.image`` when it names a file in the folder. Remote article images are
    not used: nothing guarantees they meet Apple's artwork rules."""
    from .catalog import episode_files

    out_dir = Path(out_dir)
    if episode.files:
        own = episode.files.get("art")
        candidates = [episode_files(out_dir, episode)["art"]] if own else []
    else:
        candidates = [out_dir / "episodes" / f"{episode.slug}{ext}" for ext in (".jpg", ".png")]
    if episode.image and "://" not in episode.image:
        candidates.append(out_dir / episode.image)
    root = out_dir.resolve()
    for path in candidates:
        if path.suffix.lower() in (".jpg", ".png") and path.is_file():
            if path.resolve().is_relative_to(root):
                return path
    return None


def cover_image(out_dir: str | Path, show: ShowConfig) -> tuple[bytes, str]:
    """The show's cover as (bytes, file name), without writing anything.

    With ``show.artwork`` set, the image is checked (JPEG/PNG, RGB, square,
    1400-3000 px); otherwise it is the generated cover showing the title (the one
    already in DIR when it was drawn for this title)."""
    if show.artwork:
        source = show.resolve_path(show.artwork)
        problems = artwork_problems(source)
        if problems:
            raise PublishError(f"artwork {source}: {'; '.join(problems)}")
        return source.read_bytes(), "cover.png" if source.suffix.lower() == ".png" else "cover.jpg"
    existing = Path(out_dir) / "cover.jpg"
    mark = _cover_mark(show.title)
    if _read_mark(existing) == mark:
        return existing.read_bytes(), "cover.jpg"
    return render_cover(show.title, comment=mark), "cover.jpg"


def ensure_cover(out_dir: str | Path, show: ShowConfig) -> Path:
    """Make sure DIR holds the show's cover (see cover_image) and return its path;
    the file is rewritten only when it changes."""
    out_dir = Path(out_dir)
    data, name = cover_image(out_dir, show)
    target = out_dir / name
    if not target.is_file() or target.read_bytes() != data:
        atomic_write_bytes(target, data)
    for other_name in COVER_NAMES:
        other = out_dir / other_name
        if other != target:
            other.unlink(missing_ok=True)
    return target


def _cover_mark(title: str) -> str:
    return _MARK + hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]


def _read_mark(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        return None
    try:
        with Image.open(path) as image:
            comment = image.info.get("comment", b"")
    except (UnidentifiedImageError, OSError):
        return None
    return comment.decode("utf-8", "replace") if isinstance(comment, bytes) else str(comment)


def _font(size: int):
    from PIL import ImageFont

    for name in _FONT_NAMES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a small bitmap font is all there is
        return ImageFont.load_default()


def _wrap(title: str, font, width: int) -> list[str]:
    """Greedy word wrap by rendered width; a word too long for a line is split."""
    lines: list[str] = []
    for word in title.split():
        while font.getlength(word) > width:
            cut = max(1, int(len(word) * width / font.getlength(word)) - 1)
            head, word = word[:cut] + "-", word[cut:]
            if lines and font.getlength(lines[-1] + " " + head) <= width:
                lines[-1] += " " + head
            else:
                lines.append(head)
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def render_cover(title: str, size: int = ARTWORK_MIN_PX, comment: str = "") -> bytes:
    """A square RGB JPEG showing ``title`` in large white type on a dark gradient."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(title.encode("utf-8")).digest()
    top, bottom = _PALETTES[digest[0] % len(_PALETTES)]
    gradient = Image.linear_gradient("L").resize((size, size))
    image = Image.composite(Image.new("RGB", (size, size), bottom),
                            Image.new("RGB", (size, size), top), gradient)
    draw = ImageDraw.Draw(image)

    margin = size // 10
    # A row of rounded bars, like a sound wave, along the bottom.
    bars, bar_w = 23, size // 60
    gap = (size - 2 * margin - bars * bar_w) / (bars - 1)
    base_y = size - margin
    for i in range(bars):
        height = size * (0.03 + 0.09 * digest[(i % 31) + 1] / 255) * (1 - abs(i - bars // 2) / bars)
        x = margin + i * (bar_w + gap)
        draw.rounded_rectangle((x, base_y - height, x + bar_w, base_y), radius=bar_w // 2,
                               fill=(255, 255, 255, 255) if i == bars // 2 else (200, 214, 230))
    draw.line((margin, margin, margin + size // 6, margin), fill=(255, 196, 92), width=size // 90)

    text = " ".join(title.split()) or "audiocast"
    box_w, box_h = size - 2 * margin, int(size * 0.58)
    # The largest type at which the title fits the box without splitting a word;
    # failing that, the smallest size, splitting the longest words.
    for font_size in range(size // 8, size // 28, -max(2, size // 240)):
        font = _font(font_size)
        line_h = int(font_size * 1.18)
        words_fit = all(font.getlength(word) <= box_w for word in text.split())
        lines = _wrap(text, font, box_w)
        if words_fit and len(lines) * line_h <= box_h:
            break
    lines = lines[: max(1, box_h // line_h)]
    y = margin + size // 18
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += line_h

    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True, progressive=False, comment=comment)
    return out.getvalue()


def square_episode_art(data: bytes, size_px: int = ARTWORK_MIN_PX) -> bytes:
    """An article's lead image as episode artwork: centre-cropped to a square, RGB,
    ``size_px`` wide (Apple's 1400-3000 px rule), JPEG. Raises PublishError if the
    bytes are not an image Pillow can read."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            square = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), (size_px, size_px),
                                  method=Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise PublishError(f"lead image is not a readable picture: {exc}") from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=88, optimize=True, progressive=True)
    return out.getvalue()
