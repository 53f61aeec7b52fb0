"""Demo data: staff accounts and bilateral summaries with reviewed translations.

Written from the facts of the seed documents in our own words. Every text is a pair
(source, translation) so the reviewed translation is loaded through the same services a
translator uses: nothing is written to the tables behind the workflow's back.
"""

from __future__ import annotations

from collections.abc import Iterator

from webapp.accounts import services as users
from webapp.accounts.models import User
from webapp.core.db import DbSession
from webapp.core.locales import LOCALES, default_locale
from webapp.core.schemas import parse
from webapp.languages.sentences import join_sentences, split_paragraphs, split_sentences
from webapp.publishing import services as publishing
from webapp.publishing.schemas import PublishIn
from webapp.summaries import services as summaries
from webapp.summaries.document import SegmentKey
from webapp.summaries.schemas import SummaryCreate
from webapp.topics import services as topics
from webapp.topics.schemas import TopicIn
from webapp.translation import review
from webapp.translation.models import Translation, translations_of

DEFAULT_URL = "http://127.0.0.1:5000"
# email, password, roles, translator locales, display name
DEMO_USERS: tuple[tuple[str, str, list[str], list[str], str], ...] = (
    ("liaison@example.org", "liaison-desk-2026", ["liaison"], [], "Liaison Officer"),
    ("translator@example.org", "translator-desk-2026", ["translator"], ["ja", "en"], "Translator"),
    ("admin@example.org", "admin-desk-2026", ["admin"], [], "Administrator"),
)

HEGSETH = ("Pete Hegseth", "ピート・ヘグセス")
KOIZUMI = ("Shinjirō Koizumi", "小泉進次郎")
SECWAR = ("Secretary of War", "戦争長官")
MINDEF = ("Minister of Defense", "防衛大臣")

# The demo's topic vocabulary, in the languages it has names for (a configured language it has
# none for gets the English name, so the demo loads whatever LOCALES holds).
DEMO_TOPICS = (
    {
        "slug": "alliance",
        "names": {"en": "U.S.-Japan alliance", "ja": "日米同盟", "ko": "미일 동맹"},
    },
    {
        "slug": "defense-industry",
        "names": {"en": "Defense industry", "ja": "防衛産業", "ko": "방위산업"},
    },
    {
        "slug": "ceremonies",
        "names": {"en": "Ceremonies and visits", "ja": "式典・訪問", "ko": "행사·방문"},
    },
)

PENTAGON_TALKS = {
    "source_locale": "en",
    "target_locale": "ja",  # the language of the second element of every pair
    "meeting_date": "2026-01-15",
    "countries": ["US", "JP"],
    "topics": ["alliance", "defense-industry"],
    "title": (
        "Hegseth Welcomes Japanese Defense Minister Koizumi to the Pentagon",
        "ヘグセス戦争長官、小泉防衛大臣を国防総省に迎える",
    ),
    "location": ("The Pentagon, Washington", "ワシントン、国防総省"),
    "lede": [
        (
            "Secretary of War Pete Hegseth hosted Japan's Minister of Defense Shinjirō Koizumi "
            "for talks at the Pentagon on Jan. 15, 2026.",
            "ピート・ヘグセス戦争長官は2026年1月15日、小泉進次郎防衛大臣を国防総省に迎え、"
            "会談を行った。",
        )
    ],
    "body": [
        [
            (
                "Both leaders opened the meeting by praising the strength of the U.S.-Japan "
                "alliance.",
                "会談の冒頭、両氏は日米同盟の強固さを高く評価した。",
            ),
            (
                "Hegseth said the aim of both governments is to keep strengthening that alliance "
                "in every way possible.",
                "ヘグセス長官は、あらゆる面で同盟をさらに強化していくことが両政府の目標だと述べた。",
            ),
        ],
        [
            (
                "He welcomed Japan's decision last spring to raise its defense spending and "
                "called it an important step.",
                "同長官は、防衛費を増額するという昨春の日本の決定を歓迎し、重要な一歩だと評価した。",
            ),
            (
                "He added that realistic training and exercises with the Japan Self-Defense "
                "Forces help to restore deterrence.",
                "また、自衛隊との実践的な訓練や演習が抑止力の再構築につながるとの考えを示した。",
            ),
        ],
        [
            (
                "Earlier that morning, the two ministers trained with soldiers of the 3rd "
                "Infantry Regiment at Joint Base Myer-Henderson Hall in Arlington, Virginia.",
                "両氏はこれに先立ち同日朝、バージニア州アーリントンのマイヤー・ヘンダーソンホール"
                "統合基地で、第3歩兵連隊の兵士らとともに体力練成を行った。",
            ),
            (
                "Koizumi described the joint workout as a symbol of the alliance.",
                "小泉大臣は、この合同トレーニングを同盟の象徴だと表現した。",
            ),
            (
                "It was their second meeting in person, after Hegseth visited Japan in "
                "October 2025.",
                "両氏の対面での会談は、2025年10月のヘグセス長官の訪日に続き2回目となる。",
            ),
        ],
    ],
    "participants": [
        {"name": HEGSETH, "role": SECWAR, "country": "US"},
        {"name": KOIZUMI, "role": MINDEF, "country": "JP"},
    ],
    "quotes": [
        {
            "speaker": HEGSETH,
            "text": (
                "America first, yes, but it doesn't mean America alone.",
                "米国第一ではあるが、それは米国単独という意味ではない。",
            ),
        }
    ],
}

MORNING_TRAINING = {
    "source_locale": "ja",
    "target_locale": "en",
    "meeting_date": "2026-01-15",
    "countries": ["JP", "US"],
    "topics": ["alliance"],
    "title": (
        "小泉防衛大臣、ヘグセス戦争長官と朝の合同体力練成",
        "Defense Minister Koizumi Joins Secretary Hegseth for Morning Training",
    ),
    "location": (
        "バージニア州アーリントン、マイヤー・ヘンダーソンホール統合基地",
        "Joint Base Myer-Henderson Hall, Arlington, Virginia",
    ),
    "lede": [
        (
            "小泉進次郎防衛大臣は2026年1月15日、国防総省での会談に先立ち、ヘグセス戦争長官とともに"
            "米陸軍第3歩兵連隊の朝の体力練成に参加した。",
            "On Jan. 15, 2026, ahead of their talks at the Pentagon, Defense Minister Shinjirō "
            "Koizumi joined Secretary of War Pete Hegseth for a morning training session with "
            "the U.S. Army's 3rd Infantry Regiment.",
        )
    ],
    "body": [
        [
            (
                "第3歩兵連隊は「オールド・ガード」の通称で知られる。",
                "The 3rd Infantry Regiment is widely known as The Old Guard.",
            ),
            (
                "訓練には、小泉大臣に同行した日本側代表団のメンバーも加わった。",
                "Members of the Japanese delegation traveling with Koizumi also took part.",
            ),
        ],
        [
            (
                "小泉大臣は会談冒頭の発言で、この合同トレーニングは日米同盟を象徴するものだと述べた。",
                "In his opening remarks at the meeting, Koizumi said the joint workout "
                "symbolized the Japan-U.S. alliance.",
            ),
        ],
    ],
    "participants": [
        {"name": KOIZUMI[::-1], "role": MINDEF[::-1], "country": "JP"},
        {"name": HEGSETH[::-1], "role": SECWAR[::-1], "country": "US"},
    ],
    "quotes": [
        {
            "speaker": KOIZUMI[::-1],
            "text": (
                "今朝、同盟の絆を本当に実感することができた。",
                "This morning I was able to truly feel the bond of the alliance.",
            ),
        }
    ],
}

ANTHEMS = {
    "source_locale": "en",
    "target_locale": "ja",  # not translated: published in English only
    "meeting_date": "2026-01-15",
    "countries": ["US", "JP"],
    "topics": ["ceremonies", "alliance"],
    "title": ("Anthems Open the Hegseth-Koizumi Meeting", None),
    "location": ("The Pentagon, Washington", None),
    "lede": [],
    "body": [
        [
            (
                "Hegseth and Koizumi stood for the U.S. and Japanese national anthems before "
                "their bilateral meeting at the Pentagon.",
                None,
            ),
            ("Members of both delegations attended the ceremony.", None),
        ]
    ],
    "participants": [],
    "quotes": [],
}


def _topic(topic: dict) -> dict:
    """A demo topic named in every configured language (English where the demo has no name)."""
    names = topic["names"]
    fallback = names[default_locale()]
    return {**topic, "names": {code: names.get(code) or fallback for code in LOCALES}}


def _source(doc: dict) -> dict:
    """The liaison's input: the first element of every pair."""
    locale = doc["source_locale"]
    return {
        "source_locale": locale,
        "meeting_date": doc["meeting_date"],
        "countries": doc["countries"],
        "title": doc["title"][0],
        "location": doc["location"][0],
        "lede": join_sentences([s for s, _ in doc["lede"]], locale),
        "body": "\n\n".join(join_sentences([s for s, _ in para], locale) for para in doc["body"]),
        "participants": [
            {"name": p["name"][0], "role": p["role"][0], "country": p["country"]}
            for p in doc["participants"]
        ],
        "quotes": [{"speaker": q["speaker"][0], "text": q["text"][0]} for q in doc["quotes"]],
        "topics": doc.get("topics", []),
    }


def _reviewed(doc: dict) -> dict[str, str]:
    """The reviewed translation by segment key, in the segmenter's key scheme."""
    texts = {"title": doc["title"][1], "location": doc["location"][1]}
    texts.update({str(SegmentKey.lede(i)): t for i, (_, t) in enumerate(doc["lede"])})
    for p, para in enumerate(doc["body"]):
        texts.update({str(SegmentKey.body(p, s)): t for s, (_, t) in enumerate(para)})
    for i, q in enumerate(doc["quotes"]):
        texts[str(SegmentKey.item("quote", i, "text"))] = q["text"][1]
        texts[str(SegmentKey.item("quote", i, "speaker"))] = q["speaker"][1]
    for i, p in enumerate(doc["participants"]):
        texts[str(SegmentKey.item("participant", i, "name"))] = p["name"][1]
        texts[str(SegmentKey.item("participant", i, "role"))] = p["role"][1]
    return texts


def _check_alignment(doc: dict) -> None:
    """Fail loudly if the segmenter would cut the demo text differently from its pairs."""
    data = _source(doc)
    for para, pairs in zip(split_paragraphs(data["body"]), doc["body"], strict=True):
        got = split_sentences(para, doc["source_locale"])
        if got != [s for s, _ in pairs]:
            raise RuntimeError(f"demo text splits differently: {got!r}")


# The demo's translations were written by people; a warning on one is the check's to explain.
DEMO_REASON = "Demo translation, written and checked by people."


def _translate_all(session: DbSession, tr: Translation, texts: dict[str, str], who: User) -> None:
    for st in tr.segments:
        review.save_segment(
            session,
            tr,
            st,
            texts[st.key],
            approve=True,
            second_approver=False,  # demo data is seeded, not reviewed
            user=who,
            expected_version=st.version,
            reason=DEMO_REASON,  # kept only where a check warns, so the history shows it
        )
    review.approve_translation(session, tr, who)


def load_demo(session: DbSession, base_url: str = DEFAULT_URL) -> Iterator[str]:
    """Create demo users and summaries; yields lines to print (including the logins)."""
    made = {
        email: users.create_user(session, email, pw, roles, _configured(locales), name)
        for email, pw, roles, locales, name in DEMO_USERS
    }
    liaison, translator = made["liaison@example.org"], made["translator@example.org"]
    for topic in DEMO_TOPICS:
        topics.save_topic(session, parse(TopicIn, _topic(topic)), liaison)
    first: list[int] = []  # the later summaries are related to the first
    for doc in (PENTAGON_TALKS, MORNING_TRAINING, ANTHEMS):
        if doc["source_locale"] not in LOCALES:
            continue
        _check_alignment(doc)
        summary = summaries.create_summary(
            session, parse(SummaryCreate, {**_source(doc), "related": first}), liaison
        )
        first = first or [summary.id]
        locales = [summary.source_locale]
        # The demo has reviewed text in one other language; the rest wait for machine drafts.
        tr = next((t for t in translations_of(summary) if t.locale == doc["target_locale"]), None)
        if doc["title"][1] is not None and tr is not None:
            _translate_all(session, tr, _reviewed(doc), translator)
            locales.append(tr.locale)
        publishing.publish(session, summary, parse(PublishIn, {"locales": locales}), liaison)
        yield f"Summary {summary.slug!r} published in {', '.join(locales)}."
    yield from demo_logins(base_url)


def _configured(locales: list[str]) -> list[str]:
    """A demo account's languages as configured: its own that LOCALES holds, then, for an
    account that has any, the rest of LOCALES (the translator works into every language)."""
    wanted = [code for code in locales if code in LOCALES]
    return wanted + [code for code in LOCALES if code not in wanted and wanted]


def demo_logins(base_url: str = DEFAULT_URL) -> Iterator[str]:
    """The demo accounts, for `make run` to print every time it starts."""
    yield f"Demo sign-ins ({base_url.rstrip('/')}/login):"
    for email, pw, roles, locales, _ in DEMO_USERS:
        extra = f" into {', '.join(_configured(locales))}" if locales else ""
        yield f"  {email:<26} password {pw:<16} ({', '.join(roles)}{extra})"
