"""Maps in the report tools people use (issue 21): fragments that survive Markdown (Python-
Markdown, as MkDocs runs it; pandoc, as Quarto runs it) with their CSP hashes intact, shared
assets for a page of maps, iframes and notebooks. The browser tests, on a real MkDocs site with
Material and on a page passed through pandoc, are in tests/test_report_sites.py."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import markdown
import pypandoc
import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main

INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)
POLICY = re.compile(r"\A<!-- [^\n]*?: (default-src [^\n]*?) -->\n")


def build(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["build", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def sources(policy: str, directive: str) -> set[str]:
    found = re.search(rf"(?:^|; ){directive} ([^;]*)", policy)
    return set(found.group(1).split()) if found else set()


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def unallowed(page: str, *policies: str) -> list[str]:
    """The inline scripts and styles of *page* whose hash no policy of *policies* allows."""
    allowed = {s for p in policies for d in ("script-src", "style-src") for s in sources(p, d)}
    return [
        f"{kind} {body[:60]!r}" for kind, body in INLINE.findall(page)
        if csp_hash(body) not in allowed
    ]


@pytest.fixture(scope="module")
def fragments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fragments")
    return {
        "whole": build(folder, "whole.html", "--fragment").read_text("utf-8"),
        "shared": build(folder, "shared.html", "--fragment", "--shared-assets", "--layer",
                        "events", "--title", "Events\n\tindented").read_text("utf-8"),
    }


@pytest.mark.parametrize("name", ["whole", "shared"])
def test_a_fragment_is_flush_left(fragments: dict[str, str], name: str) -> None:
    """An indented line is a code block to Markdown ("Map container not found" in Quarto), a
    blank line ends the raw HTML block, and tabs are expanded: none of them in a fragment."""
    lines = fragments[name].split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    assert not [line for line in lines if line[:1].isspace()]
    assert "\t" not in fragments[name]


@pytest.mark.parametrize("tool", ["python-markdown", "pandoc"])
@pytest.mark.parametrize("name", ["whole", "shared"])
def test_markdown_tools_keep_a_fragment_and_its_hashes(
    fragments: dict[str, str], name: str, tool: str
) -> None:
    """Pasted into Markdown with no raw block around it (MkDocs; Quarto's include), the
    fragment comes out as raw HTML, and every inline script and style still has the hash its
    first line gives."""
    fragment = fragments[name]
    text = f"# Report\n\nSome text.\n\n{fragment}\nMore text.\n"
    if tool == "pandoc":
        page = pypandoc.convert_text(text, "html", format="markdown")
    else:
        page = markdown.markdown(text, extensions=["toc", "footnotes", "md_in_html"])
    policy = POLICY.match(fragment)
    assert policy, fragment[:200]
    assert "<pre" not in page and "<code" not in page
    assert len(INLINE.findall(page)) == len(INLINE.findall(fragment)) > 0
    assert unallowed(page, policy.group(1)) == []
    assert 'class="folium-map"' in page


def test_scripts_hold_no_template_literal() -> None:
    """Flushing a fragment left is safe because no script has a multi-line string: mapgen's
    scripts (outside comments) and Leaflet's hold no backquote and no line continuation."""
    from mapgen.html.elements import ASSETS, _leaflet_file

    scripts = [p.read_text("utf-8") for p in ASSETS.iterdir() if p.name.endswith(".js")]
    scripts.append(_leaflet_file("leaflet.js").read_text("utf-8"))
    code = [re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S) for text in scripts]
    assert len(code) > 15 and not [text for text in code if "`" in text]
    assert not [text for text in code if "\\\n" in text]  # nor a string continued on a line


def test_shared_assets_leave_leaflet_scripts_and_basemap_to_the_page(
    fragments: dict[str, str], tmp_path: Path
) -> None:
    whole, shared = fragments["whole"], fragments["shared"]
    result = CliRunner().invoke(main, ["assets", "-o", str(tmp_path / "assets.html")])
    assert result.exit_code == 0, result.output
    assets = (tmp_path / "assets.html").read_text("utf-8")
    for text in (whole, assets):
        assert "Leaflet 1.9.3" in text and "window.MapgenCountries" in text
    assert "Leaflet 1.9.3" not in shared and "MapgenCountries" not in shared
    assert "window.MapgenApp = MapgenApp" not in shared
    assert len(shared.encode()) < 60_000 < 500_000 < len(whole.encode())
    # The assets are a fragment of their own: flush left, their policy on their first line.
    policy = POLICY.match(assets)
    assert policy and unallowed(assets, policy.group(1)) == []
    assert unallowed(pypandoc.convert_text(assets, "html", format="markdown"),
                     policy.group(1)) == []
    # A page of both needs no source beside the two comments.
    own = POLICY.match(shared)
    assert own and unallowed(shared + assets, own.group(1), policy.group(1)) == []
    assert unallowed(shared + assets, own.group(1)) != []  # the assets' own are needed
    # Same input, same bytes.
    again = CliRunner().invoke(main, ["assets", "-o", str(tmp_path / "again.html")])
    assert again.exit_code == 0 and (tmp_path / "again.html").read_text("utf-8") == assets


def test_a_fragment_keeps_out_of_the_hash_unless_asked(tmp_path: Path) -> None:
    plain = build(tmp_path, "plain.html", "--fragment").read_text("utf-8")
    hashed = build(tmp_path, "hashed.html", "--fragment", "--hash", "on").read_text("utf-8")
    wrapper = re.compile(r'^<div class="mapgen-fragment" data-title="[^"]*"(.*)>$', re.M)
    # the fragment's language and direction stand on its <div> (issue 24)
    assert [m.group(1) for m in wrapper.finditer(plain)] == [' lang="en" dir="ltr"']
    assert [m.group(1) for m in wrapper.finditer(hashed)] == [
        ' data-mapgen-hash="on" lang="en" dir="ltr"']


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shared-assets"], "--shared-assets and --hash are options of a --fragment"),
        (["--hash", "on"], "--shared-assets and --hash are options of a --fragment"),
    ],
)
def test_fragment_options_need_a_fragment(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "m.html"), *args])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "m.html").exists()


def test_the_api_says_the_same_in_its_words(tmp_path: Path) -> None:
    with pytest.raises(mapgen.OptionError, match="shared_assets and url_hash are options"):
        mapgen.save(mapgen.load(), tmp_path / "m.html", shared_assets=True)
    assert not (tmp_path / "m.html").exists()


def test_embed_warns_that_a_relative_src_depends_on_the_page(tmp_path: Path) -> None:
    page = build(tmp_path, "map.html")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        relative = CliRunner().invoke(main, ["embed", page.name])
        site = CliRunner().invoke(main, ["embed", page.name, "--src", "/maps/map.html"])
    assert relative.exit_code == 0 and site.exit_code == 0
    assert relative.stdout.startswith('<iframe src="map.html"')
    assert "warning: the iframe's src 'map.html' is relative" in relative.stderr
    assert "MkDocs" in relative.stderr
    assert site.stdout.startswith('<iframe src="/maps/map.html"') and site.stderr == ""


def test_a_notebook_shows_the_map_at_a_fixed_height() -> None:
    """Not folium's 60% of the width (207 px on a phone): 480 px, or the height asked for."""
    data = mapgen.load()
    frame = re.compile(r'\A<iframe srcdoc="[^"]*" title="[^"]*" style="([^"]*)"[^>]*></iframe>\Z')
    shown = frame.match(mapgen.build_map(data)._repr_html_())
    assert shown, "one iframe, no ratio box around it"
    assert "height: 480px;" in shown.group(1) and "width: 100%;" in shown.group(1)
    taller = frame.match(mapgen.build_map(data, height="600px")._repr_html_())
    assert taller and "height: 600px;" in taller.group(1)
    with pytest.raises(mapgen.OptionError, match="must be a CSS length"):
        mapgen.build_map(data, height="1px;}")
