import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from workercrawl.cli import cli

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_extract_json_on_a_folder_prints_one_object_per_page():
    folder = FIXTURES / "workercn-old"
    result = run("extract", "--json", str(folder))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    pages = [p for p in folder.rglob("*.html")]
    assert len(records) == len(pages)
    assert all(("title" in r) != ("reason" in r) for r in records)  # an articles row or a rejects row
    assert "中工网" in result.stdout  # UTF-8, not ASCII-escaped


def test_url_comes_from_option_then_sidecar_then_canonical(tmp_path):
    page = (FIXTURES / "workercn-old").glob("*.json").__next__()
    spec = json.loads(page.read_text("utf-8"))
    html = page.with_suffix(".html").read_bytes()
    copy = tmp_path / "page.shtml"
    copy.write_bytes(html)
    (tmp_path / "page.shtml.url").write_text(spec["url"] + "\n")
    record = json.loads(run("extract", "--json", str(copy)).stdout)
    assert record["url"] == spec["url"]
    assert "reason" not in record and record["title"] == spec["expected"]["title"]
    record = json.loads(run("extract", "--json", "--url", "http://acftu.workercn.cn/27/202001/02/200102000000000.shtml", str(copy)).stdout)
    assert record["url"].startswith("http://acftu.workercn.cn/27/202001/02/")


def test_canonical_link_and_gzip(tmp_path):
    import gzip

    html = '<html><head><link rel="canonical" href="http://example.org/news/1.html"></head><body><p>x</p></body></html>'
    path = tmp_path / "a.html.gz"
    path.write_bytes(gzip.compress(html.encode()))
    record = json.loads(run("extract", "--json", str(path)).stdout)
    assert (record["url"], record["reason"], record["status"]) == ("http://example.org/news/1.html", "not-article", 200)


def test_bad_paths_give_a_clear_error():
    result = CliRunner().invoke(cli, ["extract", "/no/such/file.html"])
    assert result.exit_code != 0
    assert "no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in cli.commands:
        assert re.search(rf"workercrawl {name}\b", readme), f"`workercrawl {name}` is not in README.md"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_an_example_in_its_help(name):
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="workercrawl")
    assert result.exit_code == 0, result.output
    examples = re.findall(rf"^\s+workercrawl {name}\b.*$", result.output, re.M)
    assert examples, f"`workercrawl {name} --help` shows no example (a line starting with 'workercrawl {name}')"
    assert result.output.index("Examples:") < result.output.index(examples[0])
