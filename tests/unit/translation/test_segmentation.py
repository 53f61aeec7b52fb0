"""Segmentation: sentence splitting, stable keys and hashes for translation memory."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.languages.sentences import join_sentences, split_paragraphs, split_sentences
from webapp.summaries.models import Revision
from webapp.translation.segmentation import SourceSegment, segment_hash, source_segments

EN_CASES = [
    pytest.param(
        "Secretary of War Pete Hegseth welcomed Defense Minister Shinjirō Koizumi to the "
        "Pentagon on Jan. 15, 2026. The two leaders reviewed progress on the U.S.-Japan alliance.",
        [
            "Secretary of War Pete Hegseth welcomed Defense Minister Shinjirō Koizumi to the "
            "Pentagon on Jan. 15, 2026.",
            "The two leaders reviewed progress on the U.S.-Japan alliance.",
        ],
        id="date-abbreviation-and-us-japan",
    ),
    pytest.param(
        "An honor cordon greeted the minister at Joint Base Myer-Henderson Hall, Va., on Jan. 15, "
        "2026. He then laid a wreath.",
        [
            "An honor cordon greeted the minister at Joint Base Myer-Henderson Hall, Va., on Jan. "
            "15, 2026.",
            "He then laid a wreath.",
        ],
        id="state-abbreviation-mid-sentence",
    ),
    pytest.param(
        "The welcome ceremony was held at Joint Base Myer-Henderson Hall, Va. The minister then "
        "flew back to Tokyo.",
        [
            "The welcome ceremony was held at Joint Base Myer-Henderson Hall, Va.",
            "The minister then flew back to Tokyo.",
        ],
        id="state-abbreviation-ends-sentence",
    ),
    pytest.param(
        "Lt. Gen. Maria Alvarez briefed both delegations on air defense. Mr. Koizumi thanked her "
        "for the candid assessment.",
        [
            "Lt. Gen. Maria Alvarez briefed both delegations on air defense.",
            "Mr. Koizumi thanked her for the candid assessment.",
        ],
        id="ranks-and-mr",
    ),
    pytest.param(
        "The ministers endorsed Work Plan No. 3 on missile co-production. Japan intends to raise "
        "defense spending to 2.5% of GDP.",
        [
            "The ministers endorsed Work Plan No. 3 on missile co-production.",
            "Japan intends to raise defense spending to 2.5% of GDP.",
        ],
        id="number-abbreviation-and-decimal",
    ),
    pytest.param(
        "Pfc. Kenji Mori, promoted to Private 1st Class last month, carried the Japanese flag. "
        "Spc. Dana Ruiz carried the U.S. flag.",
        [
            "Pfc. Kenji Mori, promoted to Private 1st Class last month, carried the Japanese flag.",
            "Spc. Dana Ruiz carried the U.S. flag.",
        ],
        id="pfc-spc-patched",
    ),
    pytest.param(
        "Amb. Ellen Park and CMSgt. Ray Ito joined the lunch. Talks resumed at 2 p.m.",
        [
            "Amb. Ellen Park and CMSgt. Ray Ito joined the lunch.",
            "Talks resumed at 2 p.m.",
        ],
        id="amb-cmsgt-patched",
    ),
    pytest.param(
        '"We will do everything possible." Hegseth said. The minister nodded.',
        ['"We will do everything possible."', "Hegseth said.", "The minister nodded."],
        id="quote-ends-sentence",
    ),
    pytest.param(
        'Hegseth called the alliance "stronger than it has ever been." Koizumi agreed.',
        ['Hegseth called the alliance "stronger than it has ever been."', "Koizumi agreed."],
        id="closing-quote-stays",
    ),
    pytest.param(
        "Hegseth called the alliance “the cornerstone of peace.” Koizumi agreed.",
        ["Hegseth called the alliance “the cornerstone of peace.”", "Koizumi agreed."],
        id="curly-quotes",
    ),
    pytest.param(
        'The minister stressed deterrence. "[We] talk to our U.S. counterparts every week," he '
        "said.",
        [
            "The minister stressed deterrence.",
            '"[We] talk to our U.S. counterparts every week," he said.',
        ],
        id="editorial-bracket",
    ),
    pytest.param(
        'Koizumi said, "[We] talk about deterrence every day." [The] alliance, he added, is '
        "essential.",
        [
            'Koizumi said, "[We] talk about deterrence every day."',
            "[The] alliance, he added, is essential.",
        ],
        id="bracket-after-closing-quote-patched",
    ),
    pytest.param(
        "Is the alliance ready for 2026? Both ministers said yes! Work starts next week.",
        ["Is the alliance ready for 2026?", "Both ministers said yes!", "Work starts next week."],
        id="question-exclamation",
    ),
    pytest.param(
        "The joint statement (released Jan. 15. It runs to four pages.) was welcomed. Details "
        "follow.",
        [
            "The joint statement (released Jan. 15. It runs to four pages.) was welcomed.",
            "Details follow.",
        ],
        id="parenthesis-holds-sentence",
    ),
]

JA_CASES = [
    pytest.param(
        "小泉進次郎防衛大臣は「同盟は強固だ。今後も協力する。」と述べた。会談は約一時間続いた。",
        [
            "小泉進次郎防衛大臣は「同盟は強固だ。今後も協力する。」と述べた。",
            "会談は約一時間続いた。",
        ],
        id="kagikakko-holds-sentence",
    ),
    pytest.param(
        "ヘグセス長官は国防総省で小泉大臣を迎えた。両氏は日米同盟の強化を確認した！次の会談はいつか？",
        [
            "ヘグセス長官は国防総省で小泉大臣を迎えた。",
            "両氏は日米同盟の強化を確認した！",
            "次の会談はいつか？",
        ],
        id="maru-exclamation-question",
    ),
    pytest.param(
        "長官は「抑止力を一層強化する！」と語った。大臣も同意した。",
        ["長官は「抑止力を一層強化する！」と語った。", "大臣も同意した。"],
        id="exclamation-inside-quote",
    ),
    pytest.param(
        "共同文書（全四ページ。英語版あり。）が公表された。記者会見は行われなかった。",
        ["共同文書（全四ページ。英語版あり。）が公表された。", "記者会見は行われなかった。"],
        id="fullwidth-parentheses",
    ),
    pytest.param(
        "『日米防衛協力の指針。』の見直しが議題となった。結論は出なかった。",
        ["『日米防衛協力の指針。』の見直しが議題となった。", "結論は出なかった。"],
        id="nijukagi-patched",
    ),
    pytest.param(
        "大臣は「長官は『準備はできている。』と言った。心強い。」と記者団に語った。以上。",
        ["大臣は「長官は『準備はできている。』と言った。心強い。」と記者団に語った。", "以上。"],
        id="nested-quotes",
    ),
    pytest.param(
        "会談ではU.S.-Japanの共同開発が話題になった。次回は東京で開かれる。",
        ["会談ではU.S.-Japanの共同開発が話題になった。", "次回は東京で開かれる。"],
        id="us-japan-inside-japanese-patched",
    ),
    pytest.param(
        "大臣はバージニア州のJoint Base Myer-Henderson Hall, Va.で栄誉礼を受けた。式典は短かった。",
        [
            "大臣はバージニア州のJoint Base Myer-Henderson Hall, Va.で栄誉礼を受けた。",
            "式典は短かった。",
        ],
        id="va-then-japanese-patched",
    ),
    pytest.param(
        "式典はJoint Base Myer-Henderson Hall, Va. で行われた。天候は晴れだった。",
        ["式典はJoint Base Myer-Henderson Hall, Va. で行われた。", "天候は晴れだった。"],
        id="va-space-japanese-patched",
    ),
    pytest.param(
        "会談はJan. 15, 2026に国防総省で行われた。防衛費は2.5%増える見通しだ。",
        ["会談はJan. 15, 2026に国防総省で行われた。", "防衛費は2.5%増える見通しだ。"],
        id="english-date-inside-japanese-patched",
    ),
    pytest.param(
        "両氏は昼食を共にした。U.S. Army band members played both anthems. 式典は盛大だった。",
        [
            "両氏は昼食を共にした。",
            "U.S. Army band members played both anthems.",
            "式典は盛大だった。",
        ],
        id="english-sentence-inside-japanese-patched",
    ),
    pytest.param(
        "長官は“We stand with Japan.”と述べた。大臣は謝意を示した。",
        ["長官は“We stand with Japan.”と述べた。", "大臣は謝意を示した。"],
        id="curly-quotes-inside-japanese-patched",
    ),
    pytest.param(
        "両氏はLt. Gen. Alvarezの説明を受けた。その後、Pfc. Moriが国旗を掲げた。",
        ["両氏はLt. Gen. Alvarezの説明を受けた。", "その後、Pfc. Moriが国旗を掲げた。"],
        id="ranks-inside-japanese-patched",
    ),
    pytest.param(
        "同盟は盤石か？\u3000答えは明確だ！\u3000協力は続く。",
        ["同盟は盤石か？", "答えは明確だ！", "協力は続く。"],
        id="ideographic-spaces",
    ),
]

# Fragments for the reconstruct property: awkward on purpose (unbalanced brackets, odd spaces).
FRAGMENTS = [
    "Hegseth met Koizumi at the Pentagon.",
    "Lt. Gen. Alvarez spoke.",
    "U.S.-Japan",
    "Jan. 15, 2026",
    "Joint Base Myer-Henderson Hall, Va.",
    '"We will do everything possible."',
    "[We] talk.",
    "(see No. 3)",
    "2.5%",
    "Pfc.",
    "?",
    "!",
    "...",
    "「同盟は強固だ。今後も協力する。」と述べた。",
    "小泉進次郎防衛大臣は",
    "『指針。』",
    "（注。）",
    "「",
    "」",
    "（",
    "“",
    "”",
    "。",
    "！？",
    "会談した。",
    "Va.の基地",
    "U.S. Army",
    "🇯🇵",
    "e\u0301",
]
SPACES = ["", " ", "  ", "\u3000", "\t", "\n"]


def _fuzz_texts(count: int) -> list[str]:
    """Build a fixed, seeded set of messy texts so the property check is deterministic."""
    rng = random.Random(20260115)
    texts = []
    for _ in range(count):
        parts = [rng.choice(FRAGMENTS) + rng.choice(SPACES) for _ in range(rng.randint(1, 8))]
        texts.append("".join(parts))
    return texts


def _non_space(text: str) -> str:
    """Drop whitespace so reconstruction can be compared character by character."""
    return re.sub(r"\s", "", text)


def _all_cases() -> list[str]:
    """Collect every example input from the parametrised cases."""
    return [case.values[0] for case in EN_CASES + JA_CASES]


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_split_sentences_english(text, expected):
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), JA_CASES)
def test_split_sentences_japanese(text, expected):
    assert split_sentences(text, "ja") == expected


@pytest.mark.parametrize("text", _all_cases() + _fuzz_texts(40))
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_split_sentences_reconstructs_input(text, locale):
    sentences = split_sentences(text, locale)
    assert _non_space("".join(sentences)) == _non_space(text)
    assert all(s and s == s.strip() for s in sentences)
    assert split_sentences(text, locale) == sentences


@pytest.mark.parametrize("text", ["", "   ", "\n\u3000\t"])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_split_sentences_blank_gives_nothing(text, locale):
    assert split_sentences(text, locale) == []


@pytest.mark.parametrize("locale", ["fr", "EN", "en-US", "ja_JP", ""])
def test_unknown_locale_is_rejected(locale):
    with pytest.raises(ValueError):
        split_sentences("Hegseth met Koizumi.", locale)
    with pytest.raises(ValueError):
        join_sentences(["Hegseth met Koizumi."], locale)
    with pytest.raises(ValueError):
        segment_fields(locale=locale, title="Hegseth meets Koizumi")


def test_split_sentences_is_thread_safe():
    texts = _all_cases()
    expected = [split_sentences(t, "en") + split_sentences(t, "ja") for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda t: split_sentences(t, "en") + split_sentences(t, "ja"), texts))
    assert got == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", []),
        ("\n \n\u3000\n", []),
        ("One paragraph.", ["One paragraph."]),
        (
            "Hegseth hosted Koizumi.\r\n\r\nThey toured the Pentagon.",
            ["Hegseth hosted Koizumi.", "They toured the Pentagon."],
        ),
        (
            "  First line\nwraps here.  \n \n\n\nSecond\rparagraph.\n",
            ["First line wraps here.", "Second paragraph."],
        ),
        ("会談は\n一時間続いた。\n\n以上。", ["会談は一時間続いた。", "以上。"]),
        ("大臣は\nU.S. Armyの\n音楽隊を聴いた。", ["大臣は U.S. Armyの音楽隊を聴いた。"]),
    ],
)
def test_split_paragraphs(body, expected):
    assert split_paragraphs(body) == expected


@pytest.mark.parametrize(
    ("variant", "original"),
    [
        ("Hegseth  met\nKoizumi.", "Hegseth met Koizumi."),
        ("  Hegseth met Koizumi.\t", "Hegseth met Koizumi."),
        ("Shinjiro\u0304 Koizumi", "Shinjirō Koizumi"),
        ("小泉大臣は\u3000述べた。", "小泉大臣は 述べた。"),
        ("\r\n小泉大臣は述べた。\r\n", "小泉大臣は述べた。"),
    ],
)
def test_segment_hash_ignores_spacing_and_normal_form(variant, original):
    assert segment_hash(variant) == segment_hash(original)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hegseth met Koizumi.", "Hegseth met Koizumi!"),
        ("Hegseth met Koizumi.", "hegseth met koizumi."),
        ("HegsethmetKoizumi.", "Hegseth met Koizumi."),
        ("U.S.", "Ｕ.Ｓ."),
        ("同盟は強固だ。", "同盟は強固だ"),
    ],
)
def test_segment_hash_distinguishes_text(a, b):
    assert segment_hash(a) != segment_hash(b)


def test_segment_hash_is_sha256_of_canonical_text():
    expected = hashlib.sha256("Shinjirō Koizumi met Hegseth.".encode()).hexdigest()
    assert segment_hash(" Shinjiro\u0304  Koizumi\nmet Hegseth. ") == expected
    assert re.fullmatch(r"[0-9a-f]{64}", segment_hash(""))


def segment_fields(
    *,
    locale: str,
    title: str,
    lede: str = "",
    body: str = "",
    quotes: tuple[str, ...] | list[str] = (),
    participant_roles: tuple[str, ...] | list[str] = (),
    captions: tuple[str, ...] | list[str] = (),
) -> list[SourceSegment]:
    """Cut a revision made of these fields, as the workflow does (`summaries.document`)."""
    revision = Revision(
        title=title,
        lede=lede,
        body=body,
        location="",
        quotes=[{"text": q, "speaker": ""} for q in quotes],
        participants=[{"name": "", "role": r, "country": "US"} for r in participant_roles],
        photos=[{"id": i, "caption": c, "alt": ""} for i, c in enumerate(captions)],
    )
    return source_segments(revision, locale)


def _english_summary() -> list[SourceSegment]:
    """Segment a realistic English summary with every kind of field."""
    return segment_fields(
        locale="en",
        title="Hegseth Hosts Koizumi at the Pentagon. Alliance Talks Begin",
        lede="Secretary of War Pete Hegseth met Japan's defense minister on Jan. 15, 2026. "
        "They discussed deterrence.",
        body="The ministers met at the Pentagon. Lt. Gen. Maria Alvarez briefed them.\n\n"
        "Earlier, an honor cordon welcomed Koizumi at Joint Base Myer-Henderson Hall, Va.\n"
        "He inspected the troops.",
        quotes=['"We will do everything possible." That is our promise.', ""],
        participant_roles=["", "Secretary of War", "Minister of Defense"],
        captions=["Hegseth greets Koizumi at the Pentagon. Jan. 15, 2026.", "  "],
    )


def test_segment_fields_keys_and_order():
    segments = _english_summary()
    assert [s.key for s in segments] == [
        "title",
        "lede.0",
        "lede.1",
        "body.0.0",
        "body.0.1",
        "body.1.0",
        "body.1.1",
        "quote.0.text",
        "participant.1.role",
        "participant.2.role",
        "photo.0.caption",
    ]


def test_segment_fields_texts_hashes_and_paragraphs():
    by_key = {s.key: s for s in _english_summary()}
    assert by_key["title"].text == "Hegseth Hosts Koizumi at the Pentagon. Alliance Talks Begin"
    assert by_key["quote.0.text"].text == '"We will do everything possible." That is our promise.'
    assert (
        by_key["photo.0.caption"].text == "Hegseth greets Koizumi at the Pentagon. Jan. 15, 2026."
    )
    assert by_key["body.0.1"].text == "Lt. Gen. Maria Alvarez briefed them."
    assert by_key["body.1.0"].text == (
        "Earlier, an honor cordon welcomed Koizumi at Joint Base Myer-Henderson Hall, Va."
    )
    assert by_key["participant.1.role"].text == "Secretary of War"
    for segment in by_key.values():
        assert segment.hash == segment_hash(segment.text)
        expected = int(segment.key.split(".")[1]) if segment.key.startswith("body.") else None
        assert segment.paragraph == expected


def test_segment_fields_paragraph_boundaries_survive_edits():
    before = segment_fields(locale="en", title="T", body="Hegseth spoke.\n\nKoizumi replied.")
    after = segment_fields(locale="en", title="T", body="Hegseth spoke. Koizumi replied.")
    assert [s.key for s in before] == ["title", "body.0.0", "body.1.0"]
    assert [s.key for s in after] == ["title", "body.0.0", "body.0.1"]
    assert before[2].hash == after[2].hash


def test_segment_fields_japanese():
    segments = segment_fields(
        locale="ja",
        title="小泉防衛大臣が国防総省を訪問",
        lede="小泉進次郎防衛大臣は2026年1月15日、ヘグセス長官と会談した。",
        body="大臣は「同盟は強固だ。今後も協力する。」と述べた。長官も同意した。\n\n以上。",
        quotes=["同盟は強固だ。今後も協力する。"],
        participant_roles=["防衛大臣"],
        captions=["握手する両氏。国防総省で。"],
    )
    assert [(s.key, s.text, s.paragraph) for s in segments] == [
        ("title", "小泉防衛大臣が国防総省を訪問", None),
        ("lede.0", "小泉進次郎防衛大臣は2026年1月15日、ヘグセス長官と会談した。", None),
        ("body.0.0", "大臣は「同盟は強固だ。今後も協力する。」と述べた。", 0),
        ("body.0.1", "長官も同意した。", 0),
        ("body.1.0", "以上。", 1),
        # the quote is in the body word for word: it is translated there, not twice
        ("participant.0.role", "防衛大臣", None),
        ("photo.0.caption", "握手する両氏。国防総省で。", None),
    ]


def test_segment_fields_empty_and_frozen():
    assert segment_fields(locale="en", title="  ") == []
    segment = segment_fields(locale="en", title="Hegseth hosts Koizumi")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        segment.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("sentences", "locale", "expected"),
    [
        (["Hegseth spoke.", "Koizumi replied."], "en", "Hegseth spoke. Koizumi replied."),
        ([" Hegseth spoke. ", "", "Koizumi replied."], "en", "Hegseth spoke. Koizumi replied."),
        ([], "en", ""),
        (["同盟は強固だ。", "協力は続く。"], "ja", "同盟は強固だ。協力は続く。"),
        (
            ["式典は終わった。", "U.S. Army band played."],
            "ja",
            "式典は終わった。U.S. Army band played.",
        ),
        (["The band played.", "式典は終わった。"], "ja", "The band played.式典は終わった。"),
        (["The band played.", "Koizumi left."], "ja", "The band played. Koizumi left."),
        (["長官は2026", "Army units remain."], "ja", "長官は2026 Army units remain."),
        (["会談は終わった。", ""], "ja", "会談は終わった。"),
    ],
)
def test_join_sentences(sentences, locale, expected):
    assert join_sentences(sentences, locale) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Hegseth hosted Koizumi on Jan. 15, 2026. Lt. Gen. Alvarez briefed them.", "en"),
        ('"We will do everything possible." Hegseth said. The minister nodded.', "en"),
        ("大臣は「同盟は強固だ。今後も協力する。」と述べた。長官も同意した。", "ja"),
        ("会談ではU.S.-Japanの共同開発が話題になった。次回は東京で開かれる。", "ja"),
        ("両氏は昼食を共にした。U.S. Army band members played. Koizumi thanked them.", "ja"),
    ],
)
def test_join_sentences_round_trips_split(text, locale):
    assert join_sentences(split_sentences(text, locale), locale) == text


# Golden rules: the cases sentence splitters are usually judged by, written as our own sentences.
GOLDEN_EN = [
    ("The talks ended. The ministers left.", 2),
    ("Did the talks end? The ministers left.", 2),
    ("The talks are over! The ministers left.", 2),
    ("The letter came from Alan R. Pierce of the embassy.", 1),
    ("Please turn to p. 55 of the statement.", 1),
    ("Were Aiko and co. at the dinner?", 1),
    ("Let's ask Aiko and co. They should know.", 2),
    ("They signed the deal with Pitt, Briggs & Co. It closed yesterday.", 2),
    ("The delegation could see Mt. Fuji from the base.", 1),
    ("St. Michael's Church is on 5th st. near the base.", 1),
    ("That is the minister's Jr.'s book.", 1),
    ("The delegation visited the U.S.A. last year.", 1),
    ("She works for the U.S. Government in Virginia.", 1),
    ("He has lived in the U.S. for 20 years.", 1),
    ("The budget is $100.00 per person.", 1),
    ("The budget is $100.00. It was approved.", 2),
    ("He teaches logistics (He served for 5 years as an engineer.) at the academy.", 1),
    ("Her address is aiko.mori@example.org. Write to her today.", 2),
    ("The page is https://www.example.org/news/2026.html. Read it first.", 2),
    ('She turned to him, "This is settled." she said.', 1),
    ('She turned to him, "This is settled." She handed over the file.', 2),
    ("Hello!! Long time no see.", 2),
    ("Hello?? Who is there?", 2),
    ("Hello!? Is that you?", 2),
    ("She works at Yahoo! in the accounting office.", 1),
    ("The file is N°. 1026.253.553. That is where the record is.", 2),
    ("I never meant that.... She left the room.", 2),
    ("They wrote, “the alliance will grow stronger. . . .” Then they signed.", 2),
    ("The meeting began at 9 a.m. and ended at noon.", 1),
    ("Talks resumed at 2 p.m.", 1),
]
GOLDEN_JA = [
    ("これはペンです。それはマーカーです。", 2),
    ("それは何ですか？ペンですか？", 2),
    ("良かったね！すごい！", 2),
    ("「これは本当ですか？」と彼は尋ねた。", 1),
    ("幹部は「引き下げ幅は３．２９％以上を目指す」と指摘した。今後、最終調整に入る。", 2),
    ("防衛費は２．５％増える見通しだ。結論は来月出る。", 2),
    ("彼は「そうか。」とだけ言った。", 1),
]


@pytest.mark.parametrize(("text", "count"), GOLDEN_EN)
def test_golden_rules_english(text, count):
    assert len(split_sentences(text, "en")) == count, split_sentences(text, "en")


@pytest.mark.parametrize(("text", "count"), GOLDEN_JA)
def test_golden_rules_japanese(text, count):
    assert len(split_sentences(text, "ja")) == count, split_sentences(text, "ja")
