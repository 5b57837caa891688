"""Property tests: extraction never raises and never hangs, whatever the bytes.

The deadline is a hang guard, not a speed measurement (speed lives in bench/speed.py).
"""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workercrawl.extract import Article, Rejection, extract_article

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*/*.html"))
SEEDS = [p.read_bytes() for p in FIXTURES[::7]]
TAGS = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<!--", "-->",
                        "<table><tr><td>", "<h1>", "<meta charset=gbk>", "<a href='x'>", "&#", "\x00", "来源：", "编辑："])
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
FUZZ = settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(body):
    result = extract_article(body, "http://acftu.workercn.cn/27/202011/09/201109085319156.shtml")
    assert isinstance(result, (Article, Rejection))
    if isinstance(result, Rejection):
        assert result.reason and result.detail is not None
    else:
        assert result.body and result.title is not None


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(body):
    _check(body)


@FUZZ
@given(st.lists(st.one_of(TAGS, TEXT), max_size=80).map("".join))
def test_random_markup(markup):
    _check(markup.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 300), st.binary(max_size=16)), max_size=12))
def test_mutated_real_pages(seed, edits):
    data = bytearray(seed)
    for where, cut, insert in edits:
        position = int(where * len(data))
        data[position: position + cut] = insert
    _check(bytes(data))


@FUZZ
@given(st.integers(1, 3000))
def test_deep_nesting(depth):
    _check(("<div>" * depth + "工会职工劳动竞赛" * 20 + "</div>" * depth).encode())
