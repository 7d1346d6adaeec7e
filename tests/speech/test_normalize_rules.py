"""Each normalization rule on its own, with input/expected pairs, then the whole English pipeline."""

from __future__ import annotations

import importlib

import pytest

from audiocast.speech import english as en
from audiocast.speech import english_numbers as num
from audiocast.speech.normalize import normalize, register_language, rules_for

# The package exports the function ``normalize``, which shadows the module's name.
norm = importlib.import_module("audiocast.speech.normalize")


def check(rule, cases):
    for text, expected in cases:
        assert rule(text) == expected, f"{rule.__name__}({text!r})"


# ----------------------------------------------------------------- rules every language runs


def test_unescape_html():
    check(norm.unescape_html, [
        ("Fish &amp; chips", "Fish & chips"),
        ("&ldquo;Hi&rdquo; &mdash; she said", "\u201cHi\u201d \u2014 she said"),
        ("Tom &amp;amp; Jerry", "Tom & Jerry"),
        ("no entities", "no entities"),
    ])


def test_strip_markup():
    check(norm.strip_markup, [
        ("This is **bold** and __strong__", "This is bold and strong"),
        ("An *emphasis* and _italic_ word", "An emphasis and italic word"),
        ("Run `pip install` now", "Run pip install now"),
        ("A claim[1] and another[^2] and [citation needed].", "A claim and another and ."),
        ("See [the docs](https://example.com/docs) here", "See the docs here"),
        ("![A dog](dog.png)", "A dog"),
        ("Text with <b>tags</b> left<br/>over", "Text with  tags  left over"),
        ("comments!* *Don't forget", "comments! Don't forget"),
        ("## A heading", "A heading"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("A sentence.\u00b9 Next", "A sentence. Next"),
    ])


def test_plain_quotes_and_spaces():
    check(norm.plain_quotes, [
        ("\u201cQuoted\u201d and \u2018single\u2019 and it\u2019s", "\"Quoted\" and 'single' and it's"),
        ("\u00abGuillemets\u00bb", '"Guillemets"'),
    ])
    check(norm.plain_spaces, [("a\u00a0b\u200bc\u00add", "a bcd"), ("line\nbreak", "line break")])


def test_drop_emoji():
    check(norm.drop_emoji, [
        ("Great news \U0001F389\U0001F389!", "Great news !"),
        ("Thumbs \U0001F44D\U0001F3FD up", "Thumbs  up"),
        ("Caf\u00e9 \u2764\ufe0f", "Caf\u00e9 "),
        ("plain ascii", "plain ascii"),
    ])


def test_tidy():
    check(norm.tidy, [
        ("Visit  for details .", "Visit for details."),
        ("one , , two", "one, two"),
        ("end ,.", "end."),
        (", leading comma", "leading comma"),
        ("empty ( ) parens", "empty parens"),
        ("stop.. here", "stop. here"),
    ])


def test_drop_markup_characters():
    check(norm.drop_markup_characters, [("a * b _ c # d ` e < f > g [ h ] i | j", "a   b   c   d   e   f   g   h   i   j")])


# ----------------------------------------------------------------- English: links and signs


def test_read_links():
    check(en.read_links, [
        ("Visit https://www.example.com/path?x=1 today.", "Visit example dot com today."),
        ("See example.org.", "See example dot org."),
        ("Mail jane.doe@example.com now", "Mail jane dot doe at example dot com now"),
        ("Docs at docs.python.org/3/library", "Docs at docs dot python dot org"),
        ("Go to https://a-very-long-subdomain.some-company-name.example.com/x now", "Go to  now"),
        ("Edit /etc/hosts first.", "Edit etc slash hosts first."),
        ("Open /usr/local/share/audiocast/voices/joe.onnx", "Open joe dot onnx"),
        ("Keep ~/.bashrc safe", "Keep dot bashrc safe"),
        ("Pass --verbose to see more", "Pass dash dash verbose to see more"),
        ("It uses C:\\Users\\ana\\notes.txt", "It uses Users slash ana slash notes dot txt"),
        ("and/or km/h 24/7", "and/or km/h 24/7"),
        ("See https://en.wikipedia.org/wiki/Bread_(food).", "See en dot wikipedia dot org."),
        ("(see https://example.org/a)", "(see example dot org)"),
        ("Write to JANE@EXAMPLE.COM", "Write to jane at example dot com"),
    ])


def test_read_number_signs():
    check(en.read_number_signs, [
        ("We were #1 again", "We were number 1 again"),
        ("See No. 5 and no. 6", "See number 5 and number 6"),
        ("Under § 230", "Under section 230"),
        ("It took ~5 hours", "It took about 5 hours"),
        ("Only <5 left, >10 wanted", "Only  less than 5 left,  more than 10 wanted"),
        ("Accurate to ±2 cm", "Accurate to  plus or minus 2 cm"),
    ])


def test_expand_abbreviations():
    check(en.expand_abbreviations, [
        ("Dr. Smith met Mr. Jones and Mrs. Lee", "Doctor Smith met Mister Jones and Missus Lee"),
        ("Sen. Warren and Gov. Newsom", "Senator Warren and Governor Newsom"),
        ("Dr Who is here", "Doctor Who is here"),
        ("Apples, pears, etc.", "Apples, pears, et cetera."),
        ("Fruit, e.g. apples, i.e. red ones", "Fruit, for example, apples, that is, red ones"),
        ("Roe v. Wade and Ali vs. Frazier", "Roe versus Wade and Ali versus Frazier"),
        ("It weighs approx. 3 kg", "It weighs approximately 3 kg"),
        ("in St. Louis on Main St.", "in Saint Louis on Main Street."),
        ("Martin Luther King Jr. spoke", "Martin Luther King Junior spoke"),
        ("Smith et al. found", "Smith and others found"),
        ("see p. 12 and c. 1850", "see page 12 and circa 1850"),
        ("Acme Inc. and Widgets Ltd.", "Acme Incorporated and Widgets Limited."),
        ("Gen Z shoppers", "Gen Z shoppers"),
        ("Mr. & Mrs. Smith", "Mister & Missus Smith"),
        ("Sales rose 5% y/y.", "Sales rose 5% year on year."),
    ])


# ----------------------------------------------------------------- English: numbers


def test_read_phone_numbers():
    check(num.read_phone_numbers, [
        ("Call 555-123-4567", "Call five five five, one two three, four five six seven"),
        ("Call (555) 123-4567", "Call five five five, one two three, four five six seven"),
        ("Ring +44 20 7946 0958", "Ring plus four four, two zero, seven nine four six, zero nine five eight"),
        ("Dial 020 7946 0958", "Dial zero two zero, seven nine four six, zero nine five eight"),
        ("In 2019-2021 prices rose", "In 2019-2021 prices rose"),
        ("Call us at 555-1234 today", "Call us at five five five, one two three four today"),
        ("Between 100-1000 people", "Between 100-1000 people"),
    ])


def test_read_ip_addresses():
    check(num.read_ip_addresses, [
        ("Ping 192.168.0.1", "Ping one nine two dot one six eight dot zero dot one"),
        ("Not 300.1.1.1", "Not 300.1.1.1"),
    ])


def test_read_dates():
    check(num.read_dates, [
        ("On Feb. 24, 2022, it began", "On February twenty-fourth, twenty twenty-two, it began"),
        ("On 24 February 2022 it began", "On the twenty-fourth of February, twenty twenty-two it began"),
        ("the 3rd of March", "the third of March"),
        ("Dated 2022-02-24.", "Dated February twenty-fourth, twenty twenty-two."),
        ("Due 3/14/2024", "Due March fourteenth, twenty twenty-four"),
        ("Due 14/3/2024", "Due March fourteenth, twenty twenty-four"),
        ("Open March 3 to visitors", "Open March third to visitors"),
        ("Held Aug. 10\u201324, 2024", "Held August tenth to twenty-fourth, twenty twenty-four"),
        ("In May 2022", "In May 2022"),
        ("Invalid 2022-13-45", "Invalid 2022-13-45"),
        ("Logged 2024-03-01T09:30Z", "Logged March first, twenty twenty-four at 09:30 UTC"),
    ])


def test_read_times():
    check(num.read_times, [
        ("At 9:30 am", "At nine thirty A-M"),
        ("At 9:05 p.m.", "At nine oh five P-M."),
        ("At 14:00 UTC", "At fourteen hundred UTC"),
        ("At 14:30", "At fourteen thirty"),
        ("At 9:00", "At nine o'clock"),
        ("At 07:15", "At seven fifteen"),
        ("Open 9am to 5 PM", "Open nine A-M to five P-M"),
        ("Open 10am-2pm", "Open ten A-M to two P-M"),
        ("From 9:30-11:00 we talk", "From nine thirty to eleven o'clock we talk"),
        ("A 16:9 screen", "A sixteen to nine screen"),
        ("A 1:1:1 mix", "A one to one to one mix"),
    ])


def test_read_versions():
    check(num.read_versions, [
        ("Rust 1.75.0 is out", "Rust one point seventy-five point zero is out"),
        ("Upgrade to v2.3", "Upgrade to version two point three"),
        ("Requires Python 3.12", "Requires Python three point twelve"),
        ("version 10.4.12", "version ten point four point twelve"),
        ("It costs 3.50", "It costs 3.50"),
    ])


def test_read_money():
    check(num.read_money, [
        ("It cost $5 billion", "It cost five billion dollars"),
        ("A coffee is $3.50", "A coffee is three dollars and fifty cents"),
        ("Only $1", "Only one dollar"),
        ("Just $0.99", "Just ninety-nine cents"),
        ("Tickets are EUR 30", "Tickets are thirty euros"),
        ("Tickets are \u20ac30", "Tickets are thirty euros"),
        ("A fee of 30 EUR", "A fee of thirty euros"),
        ("Worth \u00a32.5m", "Worth two point five million pounds"),
        ("Worth GBP 2.5m", "Worth two point five million pounds"),
        ("A $1.2 trillion plan", "A one point two trillion dollar plan"),
        ("Raised $5-10 million", "Raised five to ten million dollars"),
        ("A loss of -$3", "A loss of minus three dollars"),
        ("Priced at \u00a53,000", "Priced at three thousand yen"),
        ("A $5 million grant", "A five million dollar grant"),
        ("US$40 a barrel", "forty U-S dollars a barrel"),
    ])


def test_read_percentages():
    check(num.read_percentages, [
        ("Up 5%", "Up five percent"),
        ("Up 5-10% this year", "Up five to ten percent this year"),
        ("Down -2.5 %", "Down minus two point five percent"),
        ("A 0.75% fee", "A zero point seven five percent fee"),
    ])


def test_read_decades_and_scales():
    check(num.read_decades, [
        ("the 1990s", "the nineteen nineties"),
        ("the '80s", "the eighties"),
        ("in her 30s", "in her thirties"),
        ("the 2000s", "the two thousands"),
        ("F-35s and 747s", "F-thirty-fives and seven hundred forty-sevens"),
        ("100s of people", "hundreds of people"),
        ("1,000s of people", "thousands of people"),
    ])
    check(num.read_attached_scales, [
        ("a 5bn deal", "a five billion deal"),
        ("10k runners", "ten thousand runners"),
        ("3m people", "three million people"),
        ("the 100m sprint", "the one hundred meters sprint"),
    ])


def test_read_units():
    check(num.read_units, [
        ("It is 5 km away", "It is five kilometers away"),
        ("It weighs 1 kg", "It weighs one kilogram"),
        ("It was -5 \u00b0C and 23\u00b0F", "It was minus five degrees Celsius and twenty-three degrees Fahrenheit"),
        ("Driving at 100 km/h or 60 mph", "Driving at one hundred kilometers per hour or sixty miles per hour"),
        ("A 16 GB phone", "A sixteen gigabyte phone"),
        ("Files of 10 MB", "Files of ten megabytes"),
        ("Ping of 2 ms", "Ping of two milliseconds"),
        ("It took 2.1 s", "It took two point one seconds"),
        ("Area of 3.2 km\u00b2", "Area of three point two square kilometers"),
        ("It is 5-10 cm long", "It is five to ten centimeters long"),
        ("Runs at 3.2 GHz", "Runs at three point two gigahertz"),
        ("Rated 5 W", "Rated five watts"),
        ("A 5G network and 4K video", "A 5G network and 4K video"),
        ("She is 5'7\" tall", "She is five foot seven tall"),
    ])


def test_read_ordinals_and_fractions():
    check(num.read_ordinals, [("the 21st century", "the twenty-first century"), ("his 3rd try", "his third try"),
                              ("the 102nd", "the one hundred second")])
    check(num.read_fractions, [
        ("Add 1/2 cup", "Add one half cup"),
        ("About 3/4 of them", "About three quarters of them"),
        ("Roughly 1/3", "Roughly one third"),
        ("Take 2 1/2 cups", "Take two and a half cups"),
        ("Add \u00bd cup", "Add one half cup"),
        ("Add 1\u00bd cups", "Add one and a half cups"),
        ("Scored 45/50", "Scored forty-five out of fifty"),
        ("Open 24/7", "Open twenty-four seven"),
        ("About 5/8 inch", "About five eighths inch"),
        ("A 1/100th share", "A one hundredth share"),
        ("Only 3/100", "Only three hundredths"),
    ])


def test_read_ranges_and_years():
    check(num.read_ranges, [
        ("From 2019-2021", "From twenty nineteen to twenty twenty-one"),
        ("In 2019\u201321", "In twenty nineteen to twenty twenty-one"),
        ("Pages 5-10", "Pages five to ten"),
        ("Won 3-2", "Won three to two"),
        ("Between 1939\u201345 the war", "Between nineteen thirty-nine and nineteen forty-five the war"),
    ])
    check(num.read_years, [
        ("In 2022", "In twenty twenty-two"),
        ("In 2005", "In two thousand five"),
        ("In 1905", "In nineteen oh five"),
        ("In 2000", "In two thousand"),
        ("In 1066", "In 1066"),
        ("In 1999.", "In nineteen ninety-nine."),
        ("Around 500 BC", "Around five hundred BC"),
        ("In AD 79", "In AD seventy-nine"),
        ("Over 3000 people", "Over 3000 people"),
    ])


def test_read_numbers():
    check(num.read_numbers, [
        ("It has 1,234,567 users", "It has one million two hundred thirty-four thousand five hundred sixty-seven users"),
        ("Pi is 3.14", "Pi is three point one four"),
        ("It fell to -5", "It fell to minus five"),
        ("Agent 007", "Agent zero zero seven"),
        ("Half is 0.5", "Half is zero point five"),
        ("Up +3", "Up plus three"),
        ("It is 3000", "It is three thousand"),
    ])


def test_letters_and_digits_and_leftovers():
    check(num.separate_letters_and_digits, [
        ("COVID-19", "COVID 19"),
        ("5G and H2O", "5 G and H 2 O"),
        ("FY2024", "FY 2024"),
    ])
    check(num.read_multiplication, [
        ("A 1920x1080 screen", "A one thousand nine hundred twenty by one thousand eighty screen"),
        ("3x faster", "three times faster"),
        ("Exactly 10^6 cells", "Exactly ten to the power of six cells"),
        ("About 1.5e6 cells", "About one point five times ten to the power of six cells"),
    ])
    check(num.read_leftover_digits, [("1,2,3", " one , two , three ")])


# ----------------------------------------------------------------- English: letters, symbols, pauses


def test_read_roman_numerals():
    check(en.read_roman_numerals, [
        ("World War II ended", "World War two ended"),
        ("World War I began", "World War one began"),
        ("Henry VIII married", "Henry the eighth married"),
        ("Part IV of the book", "Part four of the book"),
        ("Then I left", "Then I left"),
        ("Yesterday I went", "Yesterday I went"),
    ])


def test_letters_rule():
    rule = en.make_letters_rule()
    check(rule, [
        ("The US and the UK", "The U-S and the U-K"),
        ("Let us go", "Let us go"),
        ("NATO's plan", "Nato's plan"),
        ("CEOs met", "C-E-O's met"),
        ("the CEOs' pay", "the C-E-O's pay"),
        ("the US's debt", "the U-S's debt"),
        ("The WHO and IMF", "The W-H-O and I-M-F"),
        ("The CIA and the FAA", "The C-I-Eh and the F-Eh-Eh"),
        ("NASA and UNESCO", "Nasa and Unesco"),
        ("The U.S. economy", "The U-S economy"),
        ("Back in the U.S.", "Back in the U-S."),
        ("John F. Kennedy", "John F Kennedy"),
        ("J.R.R. Tolkien", "J-R-R Tolkien"),
        ("A PhD in AI", "A P-H-D in A-I"),
        ("HTML and NASDAQ and SQL", "H-T-M-L and Nasdaq and S-Q-L"),
        ("It is NOT fine", "It is not fine"),
        ("BREAKING NEWS TODAY: US SIGNALS DOUBT", "Breaking News Today: U-S Signals Doubt"),
        ("DON'T PANIC", "Don't Panic"),
        ("OK then", "okay then"),
        ("WWII veterans", "World War Two veterans"),
    ])


def test_letters_rule_is_user_extendable():
    default = en.make_letters_rule()
    custom = en.make_letters_rule(initialisms=("NASA", "ZQX"), acronyms=("GOAT", "FBI"))
    assert default("NASA and FBI and GOAT") == "Nasa and F-B-I and Goat"
    assert custom("NASA and FBI and GOAT") == "N-Eh-S-Eh and Fbi and Goat"
    assert custom("ZQXs") == "Z-Q-X's"


def test_pronounceable_guesses():
    assert en.pronounceable("NASDAQ")
    assert en.pronounceable("BREAKING")
    assert not en.pronounceable("HTML")
    assert not en.pronounceable("HTTP")
    assert not en.pronounceable("IEEE")
    assert en.letters("FBI") == "F-B-I"


def test_read_symbols():
    check(en.read_symbols, [
        ("Rock & roll", "Rock and roll"),
        ("C++ and C#", "C plus plus and C sharp"),
        ("x = y + 2", "x equals y plus 2"),
        ("Tag #climate and @jane", "Tag hashtag climate and at jane"),
        ("\u00a9 Acme\u2122", "copyright Acme"),
        ("Read Node.js docs", "Read Node dot js docs"),
        ("a \u2022 b", "a, b"),
    ])


def test_read_pauses():
    check(en.read_pauses, [
        ("He paused \u2014 then left", "He paused, then left"),
        ("He paused\u2014then left", "He paused, then left"),
        ("Yes \u2013 no", "Yes, no"),
        ("Wait... what", "Wait, what"),
        ("And then\u2026", "And then."),
        ('She said "I am done..."', 'She said "I am done."'),
        ("Really?!", "Really?"),
        ("well-known", "well-known"),
    ])


# ----------------------------------------------------------------- the whole English pipeline

PIPELINE = [
    ("The war began in 2022.", "The war began in twenty twenty-two."),
    ("Prices rose 5-10% from 2019-2021.", "Prices rose five to ten percent from twenty nineteen to twenty twenty-one."),
    ("It cost $3.50, or \u20ac30, or EUR 30.", "It cost three dollars and fifty cents, or thirty euros, or thirty euros."),
    ("Meet at 9:30 am on Feb. 24, 2022.", "Meet at nine thirty A-M on February twenty-fourth, twenty twenty-two."),
    ("Rust 1.75.0 shipped.", "Rust one point seventy-five point zero shipped."),
    ("The US told us the GDP of the EU fell.", "The U-S told us the G-D-P of the E-U fell."),
    ("NATO's and the UN's plans.", "Nato's and the U-N's plans."),
    ("COVID-19 hit 5G rollouts.", "Covid nineteen hit five G rollouts."),
    ("Dr. Smith, i.e. the CEO, agreed.", "Doctor Smith, that is, the C-E-O, agreed."),
    ("It's **really** _that_ good[1]!", "It's really that good!"),
    ("Fish &amp; chips \u2014 \u201cgreat\u201d \U0001F600", "Fish and chips, \"great\""),
    ("Email jane@example.com or see https://example.com/a/b.", "Email jane at example dot com or see example dot com."),
    ("A -3.5 \u00b0C night in the 1990s.", "A minus three point five degree Celsius night in the nineteen nineties."),
    ("Temperatures hit -3.5 \u00b0C.", "Temperatures hit minus three point five degrees Celsius."),
    ("He won 1st place, No. 5 overall.", "He won first place, number five overall."),
    ("2005 and 2022", "two thousand five and twenty twenty-two"),
    ("Call +1 555-123-4567.", "Call plus one, five five five, one two three, four five six seven."),
    ("It rose ~5% in Q3.", "It rose about five percent in Q three."),
    ("A 1/2 share, not 3/4.", "A one half share, not three quarters."),
    ("We #1, \u00a7 5 applies.", "We number one, section five applies."),
    ("<b>Bold</b> [link](https://x.org) `code` | pipe", "Bold link code, pipe"),
]


@pytest.mark.parametrize("text,expected", PIPELINE)
def test_english_pipeline(text, expected):
    assert normalize(text) == expected


def test_language_codes_share_english_rules():
    assert normalize("5 km", "en-US") == normalize("5 km", "en_GB") == "five kilometers"


def test_unknown_language_still_reads_numbers():
    spoken = normalize("Es kostet 5 Euro und 2,5 Prozent.", "de")
    assert "fünf" in spoken and "5" not in spoken


def test_register_language_adds_rules():
    def shout(text: str) -> str:
        return text.upper()

    register_language("xx", lambda initialisms, acronyms: [shout])
    try:
        assert normalize("hello *there*", "xx") == "HELLO THERE"
        rules = rules_for("xx")
        assert rules[0] is norm.unescape_html and rules[-1] is norm.tidy and shout in rules
    finally:
        norm._LANGUAGES.pop("xx")
        norm._pipeline.cache_clear()
