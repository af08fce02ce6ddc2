"""Every string a person reads is translated; the catalogs match the code."""
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGS = ROOT / "translations"


def catalog(locale):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def msgids(messages):
    return {message.id if isinstance(message.id, str) else message.id[0]
            for message in messages if message.id}


def test_spanish_catalog_translates_every_string():
    untranslated = [m.id for m in catalog("es") if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog("es") if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("locale", ["es", "en"])
def test_catalogs_hold_exactly_the_strings_of_the_code(locale, tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "_nl:1,2", "--no-location", "--ignore-dirs", ".* node_modules", "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True)
    with open(fresh, "rb") as handle:
        in_code = msgids(read_po(handle))
    assert in_code == msgids(catalog(locale)), "run: flask --app app translate update"


def test_placeholders_survive_translation():
    for message in catalog("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for number, text in enumerate(strings):
            assert placeholders(text) == placeholders(ids[min(number, len(ids) - 1)]), message.id


def placeholders(text):
    return sorted(set(re.findall(r"%\((\w+)\)[sd]", text)))
