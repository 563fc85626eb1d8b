"""YAML loading that keeps positions and refuses what is not plain, bounded data."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from brochure.errors import InputError, Location
from brochure.source import MAX_DEPTH, MAX_FILE_BYTES, format_key, load_yaml, parse_yaml


def _problem(error: pytest.ExceptionInfo[InputError]) -> str:
    assert len(error.value.problems) == 1, error.value.problems
    return str(error.value.problems[0])


def test_positions_of_keys_and_items() -> None:
    text = ("# a comment\n"
            "clinic:\n"
            "  name: Harbor\n"
            "  phones:\n"
            "    - one\n"
            "    - two\n"
            "  flow: {a: 1, b: [x, y]}\n")
    source = parse_yaml(text, "clinic.yaml")
    assert source.data == {"clinic": {"name": "Harbor", "phones": ["one", "two"],
                                      "flow": {"a": 1, "b": ["x", "y"]}}}
    assert source.positions[("clinic",)] == (2, 1)
    assert source.positions[("clinic", "name")] == (3, 3)
    assert source.positions[("clinic", "phones", 1)] == (6, 7)
    assert source.positions[("clinic", "flow", "b")] == (7, 16)
    assert source.positions[("clinic", "flow", "b", 1)][0] == 7


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    source = parse_yaml("a:\n  b:\n    c: 1\n", "x.yaml")
    assert source.locate(("a", "b", "missing", 3)) == Location("x.yaml", 2, 3)
    problem = source.problem(("a", "b", "missing"), "this required key is missing")
    assert str(problem) == "x.yaml:2:3: a.b.missing: this required key is missing"


def test_format_key_reads_like_yaml() -> None:
    assert format_key(("risks", "items", 2, "name")) == "risks.items[2].name"
    assert format_key(()) == ""


def test_empty_file_is_no_data() -> None:
    assert parse_yaml("# nothing here\n", "x.yaml").data is None


def test_duplicate_key_names_file_and_line() -> None:
    with pytest.raises(InputError) as error:
        parse_yaml("name: A\nphone: '1'\nname: B\n", "clinics/x/clinic.yaml")
    problem = _problem(error)
    assert problem.startswith("clinics/x/clinic.yaml:3:")
    assert "duplicate key 'name'" in problem


def test_nested_duplicate_key() -> None:
    with pytest.raises(InputError) as error:
        parse_yaml("a:\n  b: 1\n  c: 2\n  b: 3\n", "x.yaml")
    assert _problem(error).startswith("x.yaml:4:3: a.b: duplicate key 'b'")


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(InputError) as error:
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 5
    problem = _problem(error)
    assert problem.startswith("bomb.yaml:")
    assert "expands to more than" in problem


def test_self_referencing_alias_is_refused() -> None:
    with pytest.raises(InputError) as error:
        parse_yaml("a: &a {b: *a}\n", "loop.yaml")
    assert "nested more than" in _problem(error)


def test_nesting_just_over_the_limit_is_refused() -> None:
    depth = MAX_DEPTH + 5
    with pytest.raises(InputError) as error:
        parse_yaml("a: " + "[" * depth + "]" * depth + "\n", "deep.yaml")
    problem = _problem(error)
    assert problem.startswith("deep.yaml:1:")
    assert f"nested more than {MAX_DEPTH} deep" in problem


def test_nesting_within_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 5
    data = parse_yaml("[" * depth + "]" * depth, "ok.yaml").data
    for _ in range(depth - 1):
        data = data[0]
    assert data == []


def test_very_deep_nesting_is_an_input_error_not_a_crash() -> None:
    """10 kB of brackets must give the same clear error, not Python's RecursionError."""
    depth = 5000
    try:
        parse_yaml("[" * depth + "]" * depth, "deep.yaml")
    except InputError as error:
        assert str(error.problems[0]).startswith("deep.yaml:")
    except RecursionError:
        pytest.fail("RecursionError escaped parse_yaml: the command would crash with a "
                    "traceback instead of naming the file")
    else:
        pytest.fail("10 kB of nested brackets was accepted")


@pytest.mark.parametrize(("text", "where", "words"), [
    ("a: [1, 2\nb: 3\n", "1:4", "the [ that starts here is never closed"),
    ("a: 1\n  b: 2\n", "2:4", "indented further than the key above it"),
    ("a: 1\nb:\n\tc: 2\n", "3:1", "a tab; indent with spaces"),
    ("a: 'open\nb: 2\n", "1:4", "the quote ' that starts here is never closed"),
    ("a: 1\n---\nb: 2\n", "2:1", "delete the '---' line"),
])
def test_syntax_errors_name_the_line(text: str, where: str, words: str) -> None:
    """The place to change (an unclosed quote or bracket: where it opens) and the mistake
    in plain words, never PyYAML's."""
    with pytest.raises(InputError) as error:
        parse_yaml(text, "content.yaml")
    problem = _problem(error)
    assert problem.startswith(f"content.yaml:{where}:"), problem
    assert words in problem, problem
    assert "token" not in problem and "found" not in problem, problem


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo hacked']\n",
    "a: !!python/object:builtins.dict {x: 1}\n",
    "a: !!python/name:os.system\n",
    "a: !custom 1\n",
])
def test_only_plain_data_is_accepted(text: str) -> None:
    """Tags outside the safe YAML subset are refused, on scalars and collections alike."""
    with pytest.raises(InputError) as error:
        parse_yaml(text, "x.yaml")
    assert _problem(error).startswith("x.yaml:1:")


def test_keys_must_be_plain_text() -> None:
    with pytest.raises(InputError) as error:
        parse_yaml("? [a, b]\n: 1\n", "x.yaml")
    assert "keys must be plain text" in _problem(error)


def test_merge_keys_are_flattened() -> None:
    source = parse_yaml("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n", "x.yaml")
    assert source.data["child"] == {"x": 1, "y": 2}
    assert source.positions[("child", "y")] == (4, 3)


def test_load_yaml_names_the_file_relative_to_the_project(tmp_path: Path) -> None:
    path = tmp_path / "clinics" / "a" / "clinic.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("name: A\nname: B\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_yaml(path, tmp_path)
    assert _problem(error).startswith("clinics/a/clinic.yaml:2:")


def test_non_utf8_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "content.yaml"
    path.write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError) as error:
        load_yaml(path, tmp_path)
    problem = _problem(error)
    assert problem.startswith("content.yaml:1:11: title:"), problem
    assert "the byte 0xE9 is not UTF-8 text; save the file as UTF-8" in problem
    assert "Caf<byte 0xE9>" in problem


def test_utf8_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "content.yaml"
    path.write_text("price: \u00a3180 \N{EN DASH} per session\n", encoding="utf-8")
    assert load_yaml(path, tmp_path).data == {"price": "\u00a3180 \N{EN DASH} per session"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        load_yaml(tmp_path / "clinic.yaml", tmp_path)
    assert _problem(error) == "clinic.yaml: file not found"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(InputError) as error:
        load_yaml(path, tmp_path)
    assert "larger than" in _problem(error)
