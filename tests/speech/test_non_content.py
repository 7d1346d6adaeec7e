"""What cleanup drops (link stubs, appeals, bylines, share bars) and, as importantly, what it keeps."""

from __future__ import annotations

import pytest

from audiocast.speech.cleanup import (
    drop_non_content,
    is_call_to_action,
    is_link_stub,
    is_page_furniture,
)


@pytest.mark.parametrize("sentence", [
    "More on US-Ukraine relations.",
    "More on the port's troubled history.",
    "Read more on Russia's position.",
    "Read more: How the deal fell apart",
    "Related: Why ceasefires fail",
    "See also: the 2014 accords.",
    "Click here to download the report.",
    "Continue reading",
    "**More on Brexit.**",
])
def test_link_stubs_are_dropped(sentence):
    assert is_link_stub(sentence)


@pytest.mark.parametrize("sentence", [
    "More on that later.",
    "More on this below.",
    "More than 200 people came.",
    "Read the fine print before you sign anything, the lawyer warned the council and the press.",
    "Related parties must disclose their interests.",
    "We will see also whether the rain holds.",
])
def test_sentences_that_only_look_like_link_stubs_stay(sentence):
    assert not is_link_stub(sentence)


@pytest.mark.parametrize("sentence", [
    "Share your opinion in the comments!",
    "Don\u2019t forget to follow the blog for more updates and join the discussion below!",
    "Subscribe to our newsletter.",
    "Sign up for the newsletter to get the next post in your inbox.",
    "Follow us on Twitter for more travel stories!",
    "Leave a comment below and tell us what you would grow!",
    "Please share this article with your friends.",
    "Let us know in the comments what you think.",
    "* *Don't forget to follow the blog!*",
])
def test_calls_to_action_are_dropped(sentence):
    assert is_call_to_action(sentence)


@pytest.mark.parametrize("sentence", [
    "Follow the money.",
    "Share prices fell below expectations.",
    "Like many economists, she worries about news feeds.",
    "Make sure to install security updates every month.",
    "Subscribers to the service rose by a third.",
    "Comment sections on news sites have become toxic, researchers say.",
    "Join the two ends with a reef knot.",
    "Residents have until April 30 to comment on noise plans.",
    "Thanks for reading.",
])
def test_real_sentences_about_sharing_and_following_stay(sentence):
    assert not is_call_to_action(sentence)


def test_reader_question_goes_only_with_the_appeal_after_it():
    closing = ["It matters.", "What do you think about this?", "Share your opinion in the comments!"]
    assert drop_non_content(closing) == ["It matters."]
    assert drop_non_content(["What do you think about this?", "It matters."]) == [
        "What do you think about this?", "It matters."]


@pytest.mark.parametrize("block", [
    "By Jane Doe",
    "By Jane Doe | March 3, 2024",
    "By Jane Doe and John Smith",
    "By Jane Doe, Senior Reporter",
    "Published March 3, 2024",
    "Updated: 2024-03-05 10:00",
    "Posted on June 8, 2024",
    "March 3, 2024",
    "5 min read",
    "Photo: Reuters/Jane Doe",
    "Photograph by Anna Kowalska",
    "Image credit: NASA",
    "Getty Images",
    "Share on Twitter",
    "Tweet",
    "Share | Tweet | Email",
    "Share on Facebook Share on Twitter Email",
    "Advertisement",
    "We use cookies to improve your experience on our site. Accept all",
    "\u00a9 2024 Example Media. All rights reserved.",
    "Tags: rail, travel, Europe",
])
def test_page_furniture_blocks(block):
    assert is_page_furniture(block)


@pytest.mark.parametrize("block", [
    "By Monday, the talks had collapsed.",
    "By the way, this works.",
    "By 2030 the city wants to be carbon neutral.",
    "Updated versions of the model were released in May and did well.",
    "Image quality has improved a lot since the first phones.",
    "Copyright law is complicated.",
    "Share prices fell.",
    "Photos from the trip are in the gallery below, along with a map of the route we took.",
])
def test_real_paragraphs_are_not_furniture(block):
    assert not is_page_furniture(block)


def test_byline_matching_the_article_author():
    assert is_page_furniture("Maria Okafor", author="Maria Okafor")
    assert is_page_furniture("by maria okafor.", author="Maria Okafor")
    assert not is_page_furniture("Maria Okafor spoke first.", author="Maria Okafor")


def test_list_items_only_lose_share_buttons():
    assert is_page_furniture("Share on Facebook", list_item=True)
    assert not is_page_furniture("March 3, 2024", list_item=True)  # a timeline entry is content
