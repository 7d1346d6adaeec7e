"""Real input documents made by real tools, for the ingest tests.

PDFs are written by reportlab, the .docx by python-docx, the EPUB is packaged
to the EPUB 3 container rules with zipfile, the e-mail by the stdlib email
package. Every text here was written for these tests.
"""

from __future__ import annotations

import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

# --------------------------------------------------------------------------- texts

REPORT_TITLE = "Survey of the Northern Breakwater"
REPORT_AUTHOR = "Ingrid Solheim"
REPORT_HEADER = "Harbour Engineering Quarterly, spring issue"
# (kind, text[, level]) in reading order
REPORT = [
    ("heading", "Background", 1),
    ("para", "The northern breakwater was built from granite blocks quarried on the island, and "
             "it has sheltered the fishing fleet through every winter storm since it was finished."),
    ("para", "Divers inspected the foundations during a calm week in early autumn, measuring "
             "settlement along the whole seaward face and photographing every exposed joint."),
    ("heading", "Findings", 1),
    ("para", "Most of the armour layer remains sound, although several blocks near the lighthouse "
             "have shifted outward and the underlying rubble is visibly scoured."),
    ("heading", "Scour near the roundhead", 2),
    ("para", "The strongest currents concentrate around the roundhead, where sediment is "
             "continually removed and replaced by coarser gravel carried from the channel."),
    ("caption", "Figure 1: Settlement measured along the seaward face."),
    ("para", "Engineers recommend placing additional rock at the toe before the next winter, "
             "together with monitoring stations that report movement automatically."),
    ("para", "Sensors placed last spring show the settlement is slow but steady, amounting to a "
             "few millimetres each month, with the largest movements following easterly gales."),
    ("para", "Fishermen describe waves overtopping the crest more often than a generation ago, "
             "which matches the survey's observation that the parapet has sunk in places."),
    ("heading", "Costs", 1),
    ("para", "Placing new armour stone is expensive because every block must be shipped from the "
             "quarry, lifted by a floating crane, and positioned by divers in slack water."),
    ("para", "Delaying the work would cost considerably more, since a breach during a winter storm "
             "would flood the inner basin and damage the boats moored there."),
    ("heading", "Recommendations", 1),
    ("para", "Repairs should begin with the roundhead, continue along the outer bend, and finish "
             "with resurfacing the promenade that visitors walk along in summer."),
    ("para", "The harbour board will publish a detailed schedule once contractors have submitted "
             "their tenders and the environmental assessment has been approved."),
]

PLAIN_TITLE = "Keeping Bees on a City Roof"
PLAIN = [
    ("title", PLAIN_TITLE),
    ("para", "Rooftop hives need shelter from wind, a reliable water source nearby, and a "
             "beekeeper willing to climb stairs with heavy frames in the middle of summer."),
    ("heading", "Choosing a site"),
    ("para", "A flat roof with a low parapet works well, provided the building owner agrees and "
             "the hives can be secured against sudden gusts."),
    ("bold", "Permits and neighbours"),
    ("para", "Many councils ask for a simple registration, and a friendly note to neighbours "
             "prevents most complaints before they start."),
    ("heading", "The first season"),
    ("para", "Colonies usually grow slowly in their first year, so harvesting honey is best "
             "postponed until the second summer."),
    ("caption", "Figure 2. A hive strapped to the railings of a roof garden."),
]

EPUB_TITLE = "Letters from the Lighthouse"
EPUB_AUTHOR = "Maren Vik"
EPUB_CHAPTERS = [
    ("The Keeper Arrives", [
        "The supply boat left me on the rocks with two trunks and a crate of lamp oil.",
        "By evening the wind had turned, and the tower hummed like a struck bell.",
    ]),
    ("Winter Storms", [
        "For eleven days the waves broke over the gallery and the windows wept salt.",
        "I kept the light burning by trimming the wick every hour through the night.",
    ]),
    ("The Relief Crew", [
        "When the weather cleared, the relief crew rowed out with letters and fresh bread.",
        "I read my mother's letter twice before I climbed the stairs to sleep.",
    ]),
]

DOCX_TITLE = "Allotment Committee Minutes"
DOCX_AUTHOR = "Pia Lindqvist"

NEWSLETTER_SUBJECT = "The Weekly Orchard: pruning before the frost"
NEWSLETTER_SENDER = ("Orchard Notes", "hello@orchard-notes.example")
NEWSLETTER_DATE = datetime(2026, 3, 14, 8, 30, tzinfo=timezone.utc)
NEWSLETTER_BODY = [
    "Late winter is the best time to prune apple trees, while the buds are still closed.",
    "Cut out crossing branches first, then open the centre so light reaches every fruit.",
    "Pears need a gentler hand, because they fruit on older spurs that are easily removed.",
]

# --------------------------------------------------------------------------- PDF


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking that hyphenates long words at the line end, as typesetters do."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        split = None
        if len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 3, -1):
                head = f"{line} {word[:cut]}-".strip()
                if stringWidth(head, font, size) <= width:
                    split = cut
                    break
        if split:
            lines.append(f"{line} {word[:split]}-".strip())
            line = word[split:]
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def make_report_pdf(path: Path) -> Path:
    """Two columns, an outline, running header and footer with page numbers, hyphenation."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    width, height = A5
    margin, gutter = 36, 18
    column_width = (width - 2 * margin - gutter) / 2
    pdf = canvas.Canvas(str(path), pagesize=A5)
    pdf.setTitle(REPORT_TITLE)
    pdf.setAuthor(REPORT_AUTHOR)
    pdf.setSubject("Condition of the northern breakwater after the autumn inspection")
    page = [1]

    def furniture() -> None:
        pdf.setFont("Helvetica-Oblique", 8)
        pdf.drawString(margin, height - 30, REPORT_HEADER)
        pdf.drawCentredString(width / 2, 24, f"Page {page[0]}")

    furniture()
    pdf.setFont("Helvetica-Bold", 17)
    pdf.drawCentredString(width / 2, height - 70, REPORT_TITLE)
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(width / 2, height - 88, f"By {REPORT_AUTHOR}")
    top = height - 110
    bottom = 50
    column = 0
    y = top
    key = 0

    def advance(needed: float) -> None:
        nonlocal column, y, top
        if y - needed >= bottom:
            return
        if column == 0:
            column, y = 1, top
            return
        pdf.showPage()
        page[0] += 1
        furniture()
        top = height - 50
        column, y = 0, top

    for kind, text, *rest in REPORT:
        x = margin + column * (column_width + gutter)
        if kind == "heading":
            level = rest[0]
            size = 14 if level == 1 else 11.5
            advance(size * 3)
            x = margin + column * (column_width + gutter)
            y -= size * 0.8
            pdf.setFont("Helvetica-Bold", size)
            pdf.drawString(x, y, text)
            key += 1
            pdf.bookmarkPage(f"h{key}", fit="XYZ", top=y + size)
            pdf.addOutlineEntry(text, f"h{key}", level=level - 1)
            y -= size * 1.1
            continue
        font, size = ("Helvetica-Oblique", 9) if kind == "caption" else ("Helvetica", 10)
        for line in _wrap(text, font, size, column_width):
            advance(size * 1.3)
            x = margin + column * (column_width + gutter)
            pdf.setFont(font, size)
            pdf.drawString(x, y - size, line)
            y -= size * 1.3
        y -= size * 0.9
    pdf.showPage()
    pdf.save()
    return path


def make_plain_pdf(path: Path) -> Path:
    """One column, no outline and no metadata title: headings only by size and weight."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    width, height = letter
    pdf = canvas.Canvas(str(path), pagesize=letter)
    y = height - 72
    for kind, text in PLAIN:
        if kind == "title":
            font, size = "Times-Bold", 22
        elif kind == "heading":
            font, size = "Times-Bold", 15
        elif kind == "bold":
            font, size = "Times-Bold", 11
        elif kind == "caption":
            font, size = "Times-Italic", 10
        else:
            font, size = "Times-Roman", 11
        y -= size * 0.6 if kind in ("heading", "bold") else 0
        for line in _wrap(text, font, size, width - 144):
            pdf.setFont(font, size)
            pdf.drawString(72, y - size, line)
            y -= size * 1.25
        y -= size * 0.8
    pdf.drawCentredString(width / 2, 36, "1")
    pdf.showPage()
    pdf.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 520, 24):
        draw.line((30, row, 370, row), fill=60, width=3)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(image), 40, 100, width=500, height=700)
    pdf.showPage()
    pdf.save()
    return path


# --------------------------------------------------------------------------- EPUB


def make_epub(path: Path, chapter_texts=EPUB_CHAPTERS) -> Path:
    """An EPUB 3: stored ``mimetype`` first, container.xml, a package document, a nav document."""
    chapters = []
    for number, (title, paragraphs) in enumerate(chapter_texts, start=1):
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        if number == 2:
            body += ('<figure><img src="storm.jpg" alt="Waves over the gallery"/>'
                     "<figcaption>The gallery in a north-westerly gale.</figcaption></figure>")
        if number == 3:
            body += ('<h2>A Letter Home</h2><p>Dear mother, the lamp is bright and the stores'
                     '<a epub:type="noteref" href="#n1">1</a> will last until spring.</p>'
                     '<aside epub:type="footnote" id="n1"><p>Flour, lamp oil and tea.</p></aside>')
        chapters.append((f"chapter-{number}.xhtml", title, _xhtml(title, f"<h1>{title}</h1>{body}")))
    cover = _xhtml("Cover", f"<h1>{EPUB_TITLE}</h1><p>{EPUB_AUTHOR}</p>")
    nav_items = "".join(f'<li><a href="{name}">{title}</a></li>' for name, title, _ in chapters)
    nav = _xhtml(
        "Contents",
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{nav_items}</ol></nav>'
        '<nav epub:type="landmarks" hidden=""><ol><li><a epub:type="bodymatter" '
        'href="chapter-1.xhtml">Start</a></li></ol></nav>',
    )
    manifest = "".join(
        f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
        for i, (name, _, _) in enumerate(chapters, start=1)
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(1, len(chapters) + 1))
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:7d4c2a8e-4b1f-4f7e-9d1c-3a6f0b2e9c11</dc:identifier>
    <dc:title>{EPUB_TITLE}</dc:title>
    <dc:creator>{EPUB_AUTHOR}</dc:creator>
    <dc:language>en</dc:language>
    <dc:date>2025-10-02</dc:date>
    <meta property="dcterms:modified">2025-10-02T12:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
    {manifest}
  </manifest>
  <spine><itemref idref="cover"/>{spine}</spine>
</package>"""
    container = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/nav.xhtml", nav, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/cover.xhtml", cover, compress_type=zipfile.ZIP_DEFLATED)
        for name, _, xhtml in chapters:
            archive.writestr(f"OEBPS/{name}", xhtml, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="en" lang="en"><head><title>{title}</title></head><body>{body}</body></html>'
    )


# --------------------------------------------------------------------------- DOCX


def make_docx(path: Path) -> Path:
    """A Word document with Title and Heading styles, lists, a table and a footnote."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.core_properties.author = DOCX_AUTHOR
    document.core_properties.created = datetime(2026, 4, 2, 18, 0)
    document.add_heading(DOCX_TITLE, 0)
    document.add_paragraph("Eleven members met in the tool shed on a wet Thursday evening.")
    document.add_heading("Water supply", 1)
    paragraph = document.add_paragraph("The east tap has leaked since the cold snap in February")
    run = paragraph.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run._r.append(reference)
    paragraph.add_run(", and a plumber has been booked.")
    document.add_heading("Plot inspections", 1)
    document.add_paragraph("Inspections will look at three things:")
    for item in ("Paths kept clear of brambles.", "Compost bins covered.", "Sheds locked at night."):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Seed orders", 2)
    table = document.add_table(rows=3, cols=2)
    for row, (crop, amount) in enumerate(
        [("Crop", "Packets"), ("Runner beans", "twelve"), ("Leeks", "eight")]
    ):
        table.cell(row, 0).text = crop
        table.cell(row, 1).text = amount
    document.add_paragraph("Orders close at the end of the month.")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = parse_xml(
        f'<w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
        "The leak was first reported by the plot holders at the north gate.</w:t></w:r></w:p>"
        "</w:footnote></w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        footnotes.xml.encode("utf-8") if hasattr(footnotes, "xml") else b"",
        document.part.package,
    )
    from lxml import etree

    part._blob = etree.tostring(footnotes, xml_declaration=True, encoding="UTF-8", standalone=True)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- e-mail


NEWSLETTER_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{subject}</title></head>
<body style="margin:0;background:#eee">
<span style="display:none;max-height:0;overflow:hidden">Pruning season is here, plus a recipe.</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
  <table width="600" cellpadding="0" cellspacing="0">
    <tr><td style="font-size:11px;color:#888" align="right">
      Having trouble reading this? <a href="https://orchard-notes.example/view/314">View it in your browser</a>
    </td></tr>
    <tr><td><img src="https://orchard-notes.example/logo.png" alt="Orchard Notes" width="120"></td></tr>
    <tr><td>
      <h1>Pruning before the frost</h1>
      <p>{p0}</p>
      <p>{p1}</p>
      <h2>Pears and plums</h2>
      <p>{p2}</p>
    </td></tr>
    <tr><td align="center">
      <a href="https://orchard-notes.example/forward?u=42">Forward to a friend</a> |
      <a href="https://twitter.example/orchardnotes">Twitter</a>
    </td></tr>
    <tr><td style="font-size:11px;color:#888">
      <p>You are receiving this email because you signed up at our stall.</p>
      <p>Orchard Notes, 14 Cider Lane, Appleby, Westshire AB12 3CD, United Kingdom</p>
      <p><a href="https://orchard-notes.example/unsubscribe?u=42">Unsubscribe</a> &middot;
         <a href="https://orchard-notes.example/prefs?u=42">Update your preferences</a></p>
    </td></tr>
  </table>
</td></tr></table>
<img src="https://track.orchard-notes.example/open.gif?u=42" width="1" height="1" alt="" style="display:block">
</body></html>"""

NEWSLETTER_TEXT = """View this email in your browser: https://orchard-notes.example/view/314

Pruning before the frost

{p0}

{p1}

-- 
Unsubscribe: https://orchard-notes.example/unsubscribe?u=42
Orchard Notes, 14 Cider Lane, Appleby, Westshire AB12 3CD
"""


def make_newsletter_eml(path: Path, *, html: bool = True) -> Path:
    """A multipart/alternative newsletter as a mailing-list service sends it."""
    message = EmailMessage()
    message["From"] = f"{NEWSLETTER_SENDER[0]} <{NEWSLETTER_SENDER[1]}>"
    message["To"] = "reader@example.net"
    message["Subject"] = NEWSLETTER_SUBJECT
    message["Date"] = format_datetime(NEWSLETTER_DATE)
    message["Message-ID"] = "<weekly-314@orchard-notes.example>"
    message["List-Unsubscribe"] = "<https://orchard-notes.example/unsubscribe?u=42>"
    texts = {f"p{i}": p for i, p in enumerate(NEWSLETTER_BODY)}
    message.set_content(NEWSLETTER_TEXT.format(**texts))
    if html:
        message.add_alternative(NEWSLETTER_HTML.format(subject=NEWSLETTER_SUBJECT, **texts),
                                subtype="html")
    path.write_bytes(bytes(message))
    return path
