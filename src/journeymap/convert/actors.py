"""Who a journey's actors are: people, or systems they use; and which names, however alike,
say opposite things of the same people (so they are never taken for one person).

Imports from diagrams and tables meet actors written by hand ("Me, App", "Unauthenticated
Users, Authenticated User", "App Banque"); this is the one place that tells them apart.
"""

from __future__ import annotations

import re

# A small vocabulary, matched word by word (never inside a word: "Happy customer" holds no "app"),
# in the languages Mermaid journeys are written in; Japanese and Chinese have no spaces between
# words, so their few terms are matched as parts of the name. Extend the sets, not the rules.

# software and channels that journeys list among their actors ("Me, App"), singular
_SYSTEM_WORDS = frozenset({
    # English
    "app", "application", "website", "site", "web", "webapp", "webshop", "system", "server", "backend",
    "frontend", "api", "database", "db", "platform", "portal", "bot", "chatbot", "crm", "erp", "cms", "sms",
    "email", "mail", "newsletter", "kiosk", "atm", "terminal", "device", "phone", "smartphone",
    "software", "service", "saas", "tool", "ivr", "widget", "dashboard", "helpdesk",
    # French
    "appli", "logiciel", "système", "systeme", "plateforme", "serveur", "borne", "messagerie",
    # German
    "anwendung", "webseite", "plattform", "automat", "handy",
    # Spanish, Italian, Portuguese
    "aplicación", "aplicacion", "aplicativo", "applicazione", "sitio", "sito", "sistema", "plataforma",
    "piattaforma", "servidor", "correo",
})
# people: a name whose head word is one of these is a person even beside a system word ("App users")
_PERSON_WORDS = frozenset({
    "user", "customer", "client", "visitor", "member", "guest", "person", "people", "persona", "manager",
    "admin", "administrator", "agent", "staff", "team", "owner", "developer", "designer", "buyer", "shopper",
    "employee", "operator", "adviser", "advisor", "parent", "patient", "student", "traveller", "traveler",
    "utilisateur", "conseiller", "conseillère", "kunde", "kundin", "nutzer", "benutzer", "mitarbeiter",
    "usuario", "cliente", "utente",
})
# Romance languages put the head word first: "Portal do cliente", "Sistema de reservas"
_LINKING_WORDS = frozenset({"de", "do", "da", "du", "des", "del", "della", "di", "dos", "das", "für", "for"})
# an English agent noun ends so: "Email marketer", "Web designer" are people
_AGENT_NOUN = re.compile(r"(?:er|or|ist|eur|ian)$")
_CJK_SYSTEM = ("アプリ", "システム", "サイト", "ウェブ", "ボット", "ポータル", "应用", "系统", "网站", "平台")
_CJK_PERSON = ("ユーザー", "利用者", "顧客", "お客", "会員", "担当", "用户", "客户", "会员")


def _words(name: str) -> list[str]:
    """The name's words, lower case, singular ("Systems" -> "system"); a hyphen separates words
    ("e-mail" is "e" and "mail")."""
    return [_singular(w) for w in re.findall(r"\w+", name.lower())]


def _singular(word: str) -> str:
    # not "anonymous", "class", "analysis"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def is_system(actor: str) -> bool:
    """Whether an actor names software, a device or a channel rather than a person, by what its head
    word is: the last in English and German ("Banking app", "Booking system", "Payment API"), the first
    in French, Spanish, Italian and Portuguese ("App Banque", "Sistema de reservas"), unless that name
    ends in a word for people ("App users", "Email marketer")."""
    if any(term in actor for term in _CJK_PERSON):
        return False
    if any(term in actor for term in _CJK_SYSTEM):
        return True
    words = _words(actor)
    if not words:
        return False
    first, last = words[0], words[-1]
    if last in _SYSTEM_WORDS:
        return True
    if first not in _SYSTEM_WORDS or len(words) == 1:
        return False
    if words[1] in _LINKING_WORDS:
        return True
    return last not in _PERSON_WORDS and not _AGENT_NOUN.search(last)


# prefixes that turn a word into its opposite ("Unauthenticated", "Non-members", "未登録")
_NEGATING_PREFIXES = ("non", "un", "in", "im", "il", "ir", "dis", "anti", "nicht", "未", "非", "不")
# words that negate the word after them ("Not signed in", "No account", "Usuario no registrado")
_NEGATING_WORDS = frozenset({"not", "no", "non", "nicht", "kein", "keine", "ohne", "sans", "sin", "without", "pas"})
# words and phrases that are each other's opposite without a negation: "Anonymous" and "Signed-in"
_OPPOSITES = [
    ({"anonymous", "guest", "logged-out", "signed-out", "visitor", "anonyme", "invité", "gast", "anónimo",
      "anonimo", "invitado"},
     {"signed-in", "logged-in", "authenticated", "registered", "identified", "known", "member", "connecté",
      "angemeldet", "registrado"}),
    ({"new", "first-time", "prospective", "nouveau", "neu", "nuevo"},
     {"returning", "existing", "repeat", "regular", "loyal", "habitué", "bestandskunde", "habitual"}),
    ({"free", "trial", "gratuit", "kostenlos", "gratis"}, {"paid", "premium", "paying", "payant", "pro"}),
    ({"online"}, {"offline"}),
    ({"internal", "interne"}, {"external", "externe"}),
]
# two words read as one: "signed in" is "signed-in"
_PHRASES = {("signed", "in"): "signed-in", ("logged", "in"): "logged-in", ("signed", "out"): "signed-out",
            ("logged", "out"): "logged-out", ("first", "time"): "first-time"}


def _phrased(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and (out[-1], word) in _PHRASES:
            out[-1] = _PHRASES[(out[-1], word)]
        else:
            out.append(word)
    return out


def _negates(p: str, q: str) -> bool:
    short_word, long_word = sorted((p, q), key=len)
    return any(long_word == prefix + short_word for prefix in _NEGATING_PREFIXES)


def _antonyms(p: str, q: str) -> bool:
    return any((p in one and q in other) or (q in one and p in other) for one, other in _OPPOSITES)


def opposites(a: str, b: str) -> bool:
    """Whether two names say opposite things of the same people, so that however alike they are
    spelled they are two personas: a negating prefix ("Unauthenticated Users" and "Authenticated
    User", "Members" and "Non-members", "未登録ユーザー" and "登録ユーザー"), a negating word
    ("Usuario no registrado"), or words for opposite groups ("Anonymous visitors" and "Signed-in
    visitors", "New customers" and "Returning customers"). Plurals do not count as a difference."""
    x, y = _phrased(_words(a)), _phrased(_words(b))
    kept_x = [w for w in x if w not in _NEGATING_WORDS]
    kept_y = [w for w in y if w not in _NEGATING_WORDS]
    if kept_x == kept_y:  # the same words: opposite when one of them is negated ("Not registered")
        return (len(x) - len(kept_x)) % 2 != (len(y) - len(kept_y)) % 2
    opposed = [(p, q) for p in kept_x for q in kept_y if _antonyms(p, q)]
    if opposed:  # "Anonymous" and "Signed-in users": the rest of one name is part of the other
        rest_x = set(kept_x) - {p for p, _ in opposed}
        rest_y = set(kept_y) - {q for _, q in opposed}
        return rest_x <= rest_y or rest_y <= rest_x
    differ = [(p, q) for p, q in zip(kept_x, kept_y, strict=False) if p != q]
    return len(kept_x) == len(kept_y) and len(differ) == 1 and _negates(*differ[0])
