"""Markdown as static-site generators write it: their markup never reaches the script."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from speakable import assert_speakable, spoken_text

from audiocast.errors import IngestError
from audiocast.ingest import load_article, parse_markdown
from audiocast.ingest.markdown import split_front_matter
from audiocast.ingest.sitemarkup import (
    drop_admonition_fences,
    drop_attribute_lists,
    drop_html_comments,
    drop_liquid_output,
    drop_mdx_comments,
    drop_mdx_imports,
    replace_hugo_shortcodes,
    replace_liquid_tags,
    strip_site_markup,
    unwrap_jsx_components,
)
from audiocast.speech import build_script

# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("rule, text, expected", [
    (drop_html_comments, "Tides turn.<!-- more --> Boats wait.", "Tides turn. Boats wait."),
    (drop_html_comments, "A\n<!--\nTODO: photos\n-->\nB", "A\n\nB"),
    (drop_mdx_comments, "## Tides {/* tides */}", "## Tides "),
    (drop_mdx_imports, "import Chart from '../components/Chart';\nText", "\nText"),
    (drop_mdx_imports, "import { Tabs, Tab } from \"@site/tabs\"\nText", "\nText"),
    (drop_mdx_imports, "export const meta = { title: 'x' }\nText", "\nText"),
    (drop_mdx_imports, "Imports of grain rose from the south.", "Imports of grain rose from the south."),
    (replace_hugo_shortcodes, "Watch {{< youtube w7Ft2ymGmfc >}} now", "Watch  now"),
    (replace_hugo_shortcodes, "{{% note %}}\nBring water.\n{{% /note %}}", "\nBring water.\n"),
    (replace_hugo_shortcodes, "See [it]({{< ref \"post.md\" >}}).", "See [it]()."),
    (replace_liquid_tags, "{% include toc.html %}Text", "Text"),
    (replace_liquid_tags, "{%- comment -%}draft{%- endcomment -%}Text", "Text"),
    (replace_liquid_tags, "{% raw %}Braces{% endraw %}", "Braces"),
    (drop_liquid_output, "Posted at {{ site.url }}/x by {{ page.author | upcase }}.", "Posted at /x by ."),
    (drop_liquid_output, "{{ .Title }}", ""),
    (drop_attribute_lists, "## Tides {#tides .wide}", "## Tides"),
    (drop_attribute_lists, "A paragraph.\n{: .note}\n", "A paragraph.\n\n"),
    (drop_attribute_lists, "[office](https://x.org){:target=\"_blank\"} here", "[office](https://x.org) here"),
    (drop_attribute_lists, "![Pier](p.png){title=\"The pier\" width=50%}", "![Pier](p.png)"),
    (drop_attribute_lists, "* TOC\n{:toc}\n\nText", "\n\nText"),
    (drop_attribute_lists, "Sets like {a, b} stay.", "Sets like {a, b} stay."),
    (unwrap_jsx_components, "<Intro>\nWelcome.\n</Intro>", "\nWelcome.\n"),
    (unwrap_jsx_components, "<Chart data={[1, 2]} title=\"Tides\" />Text", "Text"),
    (unwrap_jsx_components, "<Tabs.Item value=\"a\">A</Tabs.Item>", "A"),
    (drop_admonition_fences, ":::tip Bring a coat\nIt is cold.\n:::", "\nBring a coat\n\nIt is cold.\n"),
    (drop_admonition_fences, ":::note\nIt is cold.\n:::", "\nIt is cold.\n"),
])
def test_rule(rule, text, expected):
    assert rule(text) == expected


def test_figure_and_quote_shortcodes_keep_their_caption_and_quote():
    figure = replace_hugo_shortcodes('{{< figure src="/p.png" alt="Pier" caption="The pier at *dawn*." >}}')
    assert '<img src="/p.png" alt="Pier">' in figure
    assert "<figcaption>The pier at dawn.</figcaption>" in figure
    liquid = replace_liquid_tags('{% include figure.html image_path="/a.jpg" caption="Nets drying." %}')
    assert "<figcaption>Nets drying.</figcaption>" in liquid
    quote = replace_hugo_shortcodes("{{< quote >}}\nThe sea keeps time.\n{{< /quote >}}")
    assert quote.strip() == "> The sea keeps time."
    jekyll = replace_liquid_tags("{% blockquote Ada Pike %}\nSalt and sky.\n{% endblockquote %}")
    assert jekyll.strip() == "> Salt and sky."


def test_code_fences_are_left_alone():
    text = "Before {{< x >}}.\n\n```\n{{< figure src=\"keep.png\" >}}\n{: .keep}\n```\n\nAfter."
    assert strip_site_markup(text) == "Before .\n\n```\n{{< figure src=\"keep.png\" >}}\n{: .keep}\n```\n\nAfter."


# --------------------------------------------------------------------------- per generator

HUGO = """+++
title = "Low Tide at the Old Pier"
date = 2025-06-01
draft = false
tags = ["coast", "walks"]
+++

Walkers gather at the pier when the water drops away.
{{< figure src="/img/pier.jpg" alt="Wooden posts" caption="The posts stand bare at low water." >}}

## Safety {#safety}

{{% notice warning %}}
The tide returns faster than most people expect.
{{% /notice %}}

{{< youtube dQw4w9WgXcQ >}}

Read the [tide tables]({{< ref "tides.md" >}}) before you go.
{{< highlight bash >}}
curl tides.example/today
{{< /highlight >}}
"""

JEKYLL = """---
layout: post
title: "Mending Nets"
tags: [craft, "boats, small"]
published: true
---
{% include toc.html %}

Net makers work through the winter{: .lead} in the sheds by the slipway.

{% include figure.html image_path="/assets/nets.jpg" alt="Nets" caption="Nets drying in the wind." %}

## The knots
{: #knots .section}

Each knot is tied by hand, and a large net takes {{ page.days }} many days.
{% blockquote Old Tomas %}
A good net outlives the boat.
{% endblockquote %}

{% comment %}
Remember to add photos of the shuttle.
{% endcomment %}
Visit [the museum]({{ site.baseurl }}{% link _pages/museum.md %}) to see the old ones.
"""

PANDOC = """---
title: Signal Flags
author: Rhea Moss
---

# History {#history .unnumbered}

Ships spoke to each other with flags long before radio.

![A hoist of flags](flags.png){#fig:flags width=60%}

Each flag stands for a letter, and some stand for whole messages.[^1]

::: {.callout-note}
Flags are still taught to sailors today.
:::

[^1]: A single flag can mean that a pilot is needed.
"""

MDX = """---
title: Building a Tide Clock
description: A small project for a rainy weekend.
---
import TideChart from '@site/src/components/TideChart';
import { Callout } from '../components';

## Parts {/* parts */}

<Intro>
A tide clock turns once every twelve and a half hours.
</Intro>

<TideChart range={[0, 5]} label="Heights" />

<Callout type="tip" title={`Tip`}>
Buy the movement before the case, since sizes vary.
</Callout>

<!-- TODO: photo of the finished clock -->

:::caution Check the battery
A weak battery makes the clock drift.
:::
"""

JSON_FRONT = """{
  "title": "Rowing the Estuary",
  "date": "2024-09-12",
  "draft": false
}

The estuary is calm at dawn, and rowers set out before the wind rises.
"""

GENERATORS = {"hugo": HUGO, "jekyll": JEKYLL, "pandoc": PANDOC, "mdx": MDX, "json": JSON_FRONT}
LEFTOVERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{:|\{#|\{/\*|\*/\}|<[A-Z/]|:::|-->|<!--|\bimport\b|\{\.")


@pytest.mark.parametrize("name", GENERATORS)
def test_no_generator_markup_reaches_the_script(name):
    article = parse_markdown(GENERATORS[name], source=f"{name}.md")
    script = build_script(article)
    assert_speakable(script)
    for segment in script.segments():
        assert not LEFTOVERS.search(segment.written), segment.written
        assert not LEFTOVERS.search(segment.spoken), segment.spoken


def test_hugo_post_keeps_caption_and_notice_text():
    article = parse_markdown(HUGO, source="hugo.md")
    assert article.title == "Low Tide at the Old Pier"
    assert article.date == datetime(2025, 6, 1)
    spoken = spoken_text(build_script(article))
    assert "Image: The posts stand bare at low water." in spoken
    assert "The tide returns faster than most people expect." in spoken
    assert "Read the tide tables before you go." in spoken
    assert "curl" not in spoken and "youtube" not in spoken.lower()


def test_jekyll_post_keeps_quote_and_drops_comment():
    article = parse_markdown(JEKYLL, source="jekyll.md")
    assert article.title == "Mending Nets"
    assert [s.title for s in article.sections] == [None, "The knots"]
    spoken = spoken_text(build_script(article))
    assert "Quote: A good net outlives the boat." in spoken
    assert "Image: Nets drying in the wind." in spoken
    assert "shuttle" not in spoken
    assert "Visit the museum to see the old ones." in spoken


def test_mdx_post_reads_component_prose():
    article = parse_markdown(MDX, source="tide-clock.mdx")
    assert [s.title for s in article.sections] == [None, "Parts"] or [
        s.title for s in article.sections
    ] == ["Parts"]
    spoken = spoken_text(build_script(article))
    assert "A tide clock turns once every twelve and a half hours." in spoken
    assert "Buy the movement before the case, since sizes vary." in spoken
    assert "A weak battery makes the clock drift." in spoken
    assert "photo of the finished clock" not in spoken


def test_mdx_file_is_read_as_markdown(tmp_path):
    path = tmp_path / "tide-clock.mdx"
    path.write_text(MDX, encoding="utf-8")
    assert load_article(str(path)).title == "Building a Tide Clock"


# --------------------------------------------------------------------------- front matter


def test_yaml_front_matter_is_real_yaml():
    meta, body = split_front_matter(
        '---\ntitle: "Harbour: a history"\ntags: [a, "b, c"]\ndraft: false\n'
        "date: 2024-05-06\ncount: 3\nauthor:\n  name: Ola Berg\n---\nBody\n"
    )
    assert meta["tags"] == ["a", "b, c"]
    assert meta["draft"] is False
    assert meta["title"] == "Harbour: a history"
    assert meta["date"] == date(2024, 5, 6)
    assert meta["count"] == 3
    assert meta["author"] == {"name": "Ola Berg"}
    assert body == "Body\n"


def test_json_front_matter():
    meta, body = split_front_matter(JSON_FRONT)
    assert meta == {"title": "Rowing the Estuary", "date": "2024-09-12", "draft": False}
    assert body.startswith("The estuary is calm")
    article = parse_markdown(JSON_FRONT)
    assert article.title == "Rowing the Estuary" and article.date == datetime(2024, 9, 12)


def test_a_json_looking_paragraph_is_not_front_matter():
    meta, body = split_front_matter("{braces} open this paragraph.\n")
    assert meta == {} and body == "{braces} open this paragraph.\n"


def test_invalid_yaml_front_matter_is_a_one_line_error():
    with pytest.raises(IngestError) as info:
        parse_markdown("---\ntitle: [unclosed\n---\nBody text here.\n")
    assert "invalid YAML front matter" in str(info.value) and "\n" not in str(info.value)
