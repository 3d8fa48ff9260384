"""Start-up (issue 19): the start-up cache (compiled patterns, parsed data files), pdfplumber's pieces imported
without the rest, what a run imports. Nothing here is timed: bench/startup.py measures."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures/pdf/seed-docx.pdf"


def run_py(code: str, cache: Path | str | None, *args: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ) | env_vars
    if cache is None:
        env.pop("AUDITOR_STARTUP_CACHE", None)
    else:
        env["AUDITOR_STARTUP_CACHE"] = str(cache)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT)


# ---------------------------------------------------------------- compiled patterns

def test_cached_patterns_are_the_patterns_regex_compiles(tmp_path):
    """A run fills the cache; the next one takes every pattern from it, and each finds what a fresh compile finds.
    (regex lists the members of a set in an order that changes from one process to the next, so two compiles of
    one pattern need not be the same bytes; they match the same strings.)"""
    audit = "from auditor.api import audit; import sys; audit(sys.argv[1])"
    first = run_py(audit, tmp_path, str(SEED))
    assert first.returncode == 0, first.stderr
    files = list(tmp_path.glob("regex-*.pickle"))
    assert len(files) == 1
    check = """
import sys, regex, pypdfium2
from auditor import regexes
from auditor.startup import _Unpickler
stored = _Unpickler(open(sys.argv[1], 'rb')).load()
assert len(stored) > 150, len(stored)
texts = []
for pdf in sys.argv[2:]:
    doc = pypdfium2.PdfDocument(pdf)
    texts += [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
texts += ['A1-A3 12,345.6 kgCO2e 1.2×10^3 tCO₂e', '2024 年 1 月 1 日至 12 月 31 日', '']
for (pattern, flags, version), compiled in stored.items():
    fresh = regex.compile(pattern, flags)
    assert compiled.pattern == pattern and compiled.flags == fresh.flags and compiled.groupindex == fresh.groupindex
    for t in texts:
        if isinstance(pattern, bytes):
            t = t.encode()
        got = [m.regs for m in compiled.finditer(t)]
        assert got == [m.regs for m in fresh.finditer(t)], (pattern, t[:80])
import auditor.api, auditor.rules
assert regexes._new is False, 'every pattern came from the cache'
assert regexes._used and all(k in stored for k in regexes._used)
"""
    pdfs = [str(ROOT / "fixtures/pdf" / n) for n in ("seed-docx.pdf", "tpl-study-en-docx.pdf", "tpl-bom-zh-docx.pdf")]
    second = run_py(check, tmp_path, str(files[0]), *pdfs)
    assert second.returncode == 0, second.stderr


def test_warm_and_cold_cache_give_the_same_output(tmp_path):
    """No output depends on the cache: a run with the cache off, the run that fills it and a warm run print the
    same JSON."""
    cmd = "import sys; from auditor.cli import main; sys.argv = ['auditor', 'check', '-f', 'json', sys.argv[1]]; main()"
    outs = []
    for cache in ("off", tmp_path, tmp_path):
        p = run_py(cmd, cache, str(SEED))
        assert p.returncode == 1, p.stderr
        outs.append(json.loads(p.stdout))
    for o in outs:
        o["tool"].pop("version", None)
    assert outs[0] == outs[1] == outs[2]
    assert list(tmp_path.glob("regex-*.pickle")) and list(tmp_path.glob("data-*.pickle"))
    assert list(tmp_path.glob("code-*.pickle"))


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    p = run_py("from auditor.api import audit; import sys; audit(sys.argv[1])", "off", str(SEED))
    assert p.returncode == 0, p.stderr
    assert not any(tmp_path.rglob("*"))


def test_default_cache_folder(monkeypatch, tmp_path):
    from auditor import startup

    monkeypatch.delenv("AUDITOR_STARTUP_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert startup.directory() == tmp_path / "auditor" / "startup"
    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", "OFF")
    assert startup.directory() is None
    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", str(tmp_path / "x"))
    assert startup.directory() == tmp_path / "x"


def test_a_broken_or_foreign_cache_file_is_passed_over(tmp_path, monkeypatch):
    from auditor import startup

    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", str(tmp_path))
    (tmp_path / "truncated.pickle").write_bytes(pickle.dumps({"a": 1})[:-3])
    assert startup.load("truncated.pickle") is None

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    (tmp_path / "evil.pickle").write_bytes(pickle.dumps(Evil()))
    assert startup.load("evil.pickle") is None          # only regex patterns and dates may be built
    assert startup.load("missing.pickle") is None
    startup.store("ok.pickle", {"n": [1, 2]})
    assert startup.load("ok.pickle") == {"n": [1, 2]}
    assert not list(tmp_path.glob(".tmp-*"))


def test_an_unwritable_cache_folder_is_no_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cmd = "import sys; from auditor.cli import main; sys.argv = ['auditor', 'check', '-f', 'json', sys.argv[1]]; main()"
    p = run_py(cmd, blocker / "cache", str(SEED))
    assert p.returncode == 1 and p.stderr == "" and json.loads(p.stdout)["reports"][0]["status"] == "ok"


def test_regexes_is_regex():
    """The module functions behave as regex's, whatever the flags' form."""
    import regex

    from auditor import regexes

    text = "Stage A1 and a2, total 12.5 kgCO2e"
    for args in ((r"a\d", text, regex.I), (r"a\d", text, 2), (r"a\d", text)):
        assert regexes.findall(*args) == regex.findall(*args)
        assert [m.span() for m in regexes.finditer(*args)] == [m.span() for m in regex.finditer(*args)]
        assert regexes.search(*args).span() == regex.search(*args).span()
    assert regexes.sub(r"\s+", "", text) == regex.sub(r"\s+", "", text)
    assert regexes.sub(r"(\d)", r"<\1>", text, 2) == regex.sub(r"(\d)", r"<\1>", text, 2)
    assert regexes.subn(r"\d", "#", text, flags=regex.I) == regex.subn(r"\d", "#", text, flags=regex.I)
    assert regexes.split(r"\s+", text, 2) == regex.split(r"\s+", text, 2)
    assert regexes.match(r"stage", text, regex.I) and not regexes.match(r"stage", text)
    assert regexes.fullmatch(r"\d+", "123") and regexes.search(r"x", text) is None
    compiled = regexes.compile(r"\p{Han}+")
    assert regexes.compile(compiled) is compiled and regexes.search(compiled, "碳足迹 A").group() == "碳足迹"
    assert regexes.compile(r"\L<words>", words=["a", "b"]).findall("a c b") == ["a", "b"]   # named lists: regex's
    with pytest.raises(regex.error):
        regexes.compile(r"(")
    assert regexes.I == regex.I and regexes.escape("a.b") == regex.escape("a.b")


def test_regexes_flags_and_escape_are_regexs():
    """auditor.regexes gives regex's flags and escape without importing regex (a warm run needs only its C module)."""
    import string

    import regex

    from auditor import regexes

    for name in ("A", "ASCII", "I", "IGNORECASE", "L", "LOCALE", "M", "MULTILINE", "S", "DOTALL", "U", "UNICODE",
                 "X", "VERBOSE", "V0", "VERSION0", "V1", "VERSION1"):
        assert getattr(regexes, name) == int(getattr(regex, name)), name
    assert int(regex.DEFAULT_VERSION) == regexes.VERSION0
    samples = [string.printable, "碳足迹 (kgCO2e/台)", "a-b#c&d~e", "\u3000全角\t", "", "kw·h m² 1.5%"]
    for text in samples:
        assert regexes.escape(text) == regex.escape(text), text
        assert regexes.escape(text, literal_spaces=True) == regex.escape(text, literal_spaces=True), text
        assert regexes.escape(text, special_only=False) == regex.escape(text, special_only=False), text
    assert regexes.Pattern is regex.Pattern and regexes.error is regex.error


def test_regexes_follow_a_default_version_set_by_whoever_imported_regex(tmp_path):
    """A program that imported regex and set regex.DEFAULT_VERSION = VERSION1 gets VERSION1 patterns from
    auditor.regexes too (set operations), cached apart from the VERSION0 ones."""
    code = """
import regex
from auditor import regexes
pattern = r'[[a-z]--[aeiou]]+'
assert regexes.compile(pattern).findall('bcae') == regex.compile(pattern).findall('bcae')
regex.DEFAULT_VERSION = regex.VERSION1
assert regexes.compile(pattern).findall('bcae') == regex.compile(pattern).findall('bcae') == ['bc'], \
    regexes.compile(pattern).findall('bcae')
print('ok')
"""
    for _ in range(2):          # the run that fills the cache, and a warm one
        p = run_py(code, tmp_path)
        assert p.returncode == 0, p.stderr
        assert p.stdout.strip() == "ok"


def test_a_warm_check_needs_only_regexs_c_module(tmp_path):
    """With the start-up cache warm, `auditor check` rebuilds its patterns with regex's C module: the package's
    compiler (_regex_core, _main) is not imported; a pattern the cache lacks imports it, and compiles as usual."""
    code = (
        "import sys\n"
        "from auditor import regexes\n"
        "import auditor.api as api\n"
        "api.preload()\n"
        "print(sorted(m for m in sys.modules if m.startswith('regex')))\n"
        "print(regexes.compile(r'(?P<n>\\d+)-only-here-' + str(id(sys))).search('x 12-only-here-' + str(id(sys)))"
        "['n'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('regex')))\n"
    )
    env = {**os.environ, "AUDITOR_STARTUP_CACHE": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)   # fills the cache
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    before, number, after = out.stdout.splitlines()
    assert before == "['regex', 'regex._regex']", out.stdout
    assert number == "12" and "regex._main" in after and "regex._regex_core" in after


# ---------------------------------------------------------------- data files

@pytest.mark.parametrize("name", ["vocab", "factors"])
def test_cached_data_file_is_a_fresh_parse(tmp_path, monkeypatch, name):
    from auditor import startup

    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", str(tmp_path))
    source = resources.files("auditor").joinpath(f"data/{name}.toml")
    fresh = tomllib.loads(source.read_text(encoding="utf-8"))
    assert startup.toml_file(source, name) == fresh       # parsed, and stored
    assert list(tmp_path.glob(f"data-{name}-*.pickle"))
    assert startup.toml_file(source, name) == fresh       # from the cache


def test_a_changed_data_file_is_parsed_again(tmp_path, monkeypatch):
    from auditor import startup

    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", str(tmp_path / "cache"))
    f = tmp_path / "x.toml"
    f.write_text('a = 1\nd = 2024-05-01\n', encoding="utf-8")
    assert startup.toml_file(f, "x") == tomllib.loads(f.read_text())
    f.write_text('a = 2\n', encoding="utf-8")
    assert startup.toml_file(f, "x") == {"a": 2}


def test_package_data_in_the_wheel_config():
    """The data files the start-up cache parses are package data (a wheel has them)."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "data/*.toml" in cfg["tool"]["setuptools"]["package-data"]["auditor"]


# ---------------------------------------------------------------- code the standard library compiles at start-up

CODE_CLASSES = """
import sys, dataclasses, typing, json
from auditor import startup
startup.warm_code()
patched = 'exec' in vars(dataclasses) and 'compile' in vars(typing)

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: str = 'a'
    tags: tuple = dataclasses.field(default_factory=tuple)

class Row(typing.TypedDict):
    name: 'str'
    values: 'list[int]'

p = Point(1)
assert p < Point(2) and repr(p) == "Point(x=1, y='a', tags=())" and hash(p) == hash(Point(1)) and p == Point(1)
try:
    p.x = 3
    raise SystemExit('a frozen dataclass took an assignment')
except dataclasses.FrozenInstanceError:
    pass
hints = typing.get_type_hints(Row)
assert hints == {'name': str, 'values': list[int]}, hints
print(json.dumps({'patched': patched}))
"""


def test_code_cache_gives_the_code_the_builtins_compile(tmp_path):
    """The first run compiles and stores the generated methods and the string annotations; the next takes them
    from the cache (it compiles nothing, so it does not write the file again), and every stored code object equals
    what the builtin compiles from its text."""
    written = []
    for _ in range(2):
        p = run_py(CODE_CLASSES, tmp_path)
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout) == {"patched": True}
        files = list(tmp_path.glob("code-*.pickle"))
        assert len(files) == 1
        written.append(files[0].stat().st_mtime_ns)
    assert written[0] == written[1], "the second run compiled again: the cache was not read"
    check = """
import sys, marshal
from auditor.startup import _Unpickler
stored = _Unpickler(open(sys.argv[1], 'rb')).load()
modes = {mode for mode, _ in stored}
assert modes == {'exec', 'eval'}, modes
assert any('__init__' in text and '_type_tags' in text for _, text in stored)     # Point's __init__
assert ('eval', 'list[int]') in stored
for (mode, text), blob in stored.items():
    assert marshal.loads(blob) == compile(text, '<string>', mode, dont_inherit=True), text
print(len(stored))
"""
    p = run_py(check, tmp_path, str(files[0]))
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) > 5


def test_code_cache_passes_over_a_bad_entry_and_stays_out_when_off(tmp_path):
    from auditor import startup

    first = run_py(CODE_CLASSES, tmp_path)
    assert first.returncode == 0, first.stderr
    [file] = tmp_path.glob("code-*.pickle")
    stored = startup._Unpickler(file.open("rb")).load()
    import marshal

    for bad in (b"not marshal data", marshal.dumps(42)):     # undecodable, and decodable but not code
        file.write_bytes(pickle.dumps({k: bad for k in stored}))
        broken = run_py(CODE_CLASSES, tmp_path)          # compiled again, and the file mended at exit
        assert broken.returncode == 0, broken.stderr
        mended = startup._Unpickler(file.open("rb")).load()
        assert set(mended) == set(stored) and all(v != bad for v in mended.values())
    off = run_py(CODE_CLASSES, "off")
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout) == {"patched": False}     # no cache: the builtins, untouched


def test_code_is_read_only_from_a_private_cache(tmp_path, monkeypatch):
    """Stored code runs as it is loaded: a code file (or folder) others may write is not read."""
    from auditor import startup

    monkeypatch.setenv("AUDITOR_STARTUP_CACHE", str(tmp_path))
    name = startup._code_file()
    assert not startup._private(name)                  # no file yet
    startup.store(name, {})
    tmp_path.chmod(0o700)
    assert startup._private(name)
    (tmp_path / name).chmod(0o666)
    assert not startup._private(name)
    (tmp_path / name).chmod(0o600)
    tmp_path.chmod(0o777)
    assert not startup._private(name)
    tmp_path.chmod(0o700)


def test_code_cache_leaves_other_calls_to_the_builtins(tmp_path):
    """Only the calls the two modules make (text, `<string>`, no flags) are served from the cache."""
    code = """
import dataclasses, typing, ast
from auditor import startup
startup.warm_code()
c = typing.compile('x + 1', 'f.py', 'eval')
assert c.co_filename == 'f.py' and eval(c, {'x': 1}) == 2
tree = typing.compile('y = 2', '<string>', 'exec', ast.PyCF_ONLY_AST)
assert isinstance(tree, ast.Module)
ns = {}
dataclasses.exec(compile('z = 3', '<string>', 'exec'), ns)
assert ns['z'] == 3
"""
    p = run_py(code, tmp_path)
    assert p.returncode == 0, p.stderr


# ---------------------------------------------------------------- pdfplumber's pieces

def test_pdfplumber_pieces_without_the_rest_and_the_whole_package_later():
    code = """
import sys, os
from auditor.api import audit
a = audit(sys.argv[1])
assert a.status == 'ok'
loaded = sorted(m for m in ('pdfplumber.pdf', 'pdfminer.pdfinterp', 'pdfminer.layout', 'cryptography',
                            'pdfminer.pdftypes', 'pdfminer.psparser', 'pdfplumber.utils.pdfinternals')
                if m in sys.modules)
import pdfplumber, pdfminer
assert pdfplumber.open and pdfplumber.table.TableFinder and pdfplumber.utils.cluster_list and pdfminer.__version__
from pdfplumber.utils import resolve_all, chars_to_textmap
from pdfplumber.utils.text import chars_to_textmap as same
assert chars_to_textmap is same and pdfplumber.utils.resolve_all is resolve_all
with pdfplumber.open(sys.argv[1]) as pdf:
    text = pdf.pages[0].extract_text()
os.environ['AUDITOR_PARSER'] = 'pdfplumber'
b = audit(sys.argv[1])
print(loaded, b.status, len(text) > 0)
"""
    p = run_py(code, "off", str(SEED))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[] ok True"


def test_deferred_pdfplumber_utils_binds_its_exports_and_waits_for_its_init():
    """Before its __init__ runs, pdfplumber.utils gives exactly the names the __init__ re-exports from the four
    submodules (bound once, the same objects); any other name runs the __init__, and threads asking meanwhile wait
    for it instead of finding a half-made module."""
    code = """
import sys, threading
from auditor.read import plumber
plumber.table_finder()
utils = sys.modules['pdfplumber.utils']
assert 'pdfplumber.utils.pdfinternals' not in sys.modules
assert utils.cluster_objects is sys.modules['pdfplumber.utils.clustering'].cluster_objects
assert 'cluster_objects' in vars(utils)                 # bound: the next lookup is an ordinary one
assert 'WordExtractor' not in vars(utils) and 'resolve_all' not in vars(utils)
results, start = [], threading.Barrier(8)
def ask(name):
    start.wait()
    try:
        results.append(getattr(utils, name) is not None)
    except AttributeError as e:
        results.append(repr(e))
threads = [threading.Thread(target=ask, args=(n,)) for n in ['resolve_all', 'filter_edges'] * 4]
for t in threads: t.start()
for t in threads: t.join()
assert results == [True] * 8, results
assert '__getattr__' not in vars(utils) and 'pdfplumber.utils.pdfinternals' in sys.modules
assert not hasattr(utils, 'WordExtractor')               # not a name the __init__ binds
print('ok')
"""
    p = run_py(code, "off")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "ok"


# ---------------------------------------------------------------- what a run imports

HEAVY = ("rich", "dask", "distributed", "onnxruntime", "numpy", "PIL", "rapidocr", "pint", "pypdf", "sqlite3",
         "pdfminer.pdfinterp", "pdfminer.layout", "pdfplumber.pdf", "cryptography", "jinja2", "yaml")


def modules_after(argv: list[str], cache: Path) -> set[str]:
    code = ("import sys, runpy, json, atexit\n"
            "atexit.register(lambda: sys.__stderr__.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
            "sys.argv = ['auditor', *sys.argv[1:]]\n"
            "runpy.run_module('auditor', run_name='__main__')\n")
    p = run_py(code, cache, *argv)
    line = next(x for x in p.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


def test_check_json_imports_what_it_uses(tmp_path):
    mods = modules_after(["check", "--format", "json", str(SEED)], tmp_path)
    assert not [m for m in HEAVY if m in mods]
    outputs = {m for m in mods if m.startswith("auditor.output.")}
    assert outputs == {"auditor.output.json_format"}
    assert "auditor.read.ocr.engines" not in mods or "onnxruntime" not in mods


def test_version_imports_nothing_heavy(tmp_path):
    mods = modules_after(["--version"], tmp_path)
    assert {m for m in mods if m.startswith("auditor")} <= {"auditor", "auditor.__main__", "auditor.cli",
                                                           "auditor.version"}
    assert not [m for m in ("typer", "pydantic", "regex", "pypdfium2", "pdfplumber", "rich") if m in mods]


# ---------------------------------------------------------------- `auditor check` without typer

FAST_TOKENS = ["a.pdf", "b c.pdf", "json", "text", "sarif", "", "-", "--", "-x", "--bogus", "-f", "-o", "-q", "-qf",
               "--quiet", "--color", "--no-color", "--format", "--format=json", "--format=", "-fjson", "-f=json",
               "--output", "out.json", "--fail-on", "error", "ERROR", "material", "--config", "cfg.toml", "--select",
               "ARI", "ARI,FAC", "--ignore", "--factors", "f.toml", "--baseline", "--write-baseline", "--annotate",
               "dir", "--ocr", "auto", "off", "force", "AUTO", "--ocr-engine", "rapidocr", "tesseract", "--ocr-dpi",
               "200", "72", "600", "71", "601", "2_00", "+200", "0200", " 200", "--ocr-cache", "--password", "pw",
               "--lang", "zh", "en", "--help", "-h", "--debug", "--quiet=1", "--color=yes", "=x", "--lang=zh",
               "--ocr-dpi=300", "--select=CON", "--password=", "é.pdf"]
TYPICAL = [["r.pdf"], ["r.pdf", "-f", "json"], ["--format", "json", "r.pdf", "s.pdf"], ["r.pdf", "--format=sarif"],
           ["reports/", "-f", "json", "-o", "out.json", "--fail-on", "warning"], ["r.pdf", "-q", "--no-color"],
           ["r.pdf", "--select", "ARI", "--select", "FAC", "--ignore", "ARI004"], ["r.pdf", "--ocr", "off"],
           ["r.pdf", "--ocr-dpi", "300", "--ocr-engine", "rapidocr", "--ocr-cache", "off"], ["--", "-odd.pdf"],
           ["r.pdf", "--config", "a.toml", "--factors", "f.toml", "--baseline", "b.json", "--write-baseline", "c.json"],
           ["r.pdf", "--annotate", "out", "--password", "pw", "--lang", "zh", "--color"]]


def typer_check_params(argv: list[str], monkeypatch) -> dict | None:
    """The values typer passes to check for `auditor check ARGV`, or None when typer refuses the command line."""
    from typer.testing import CliRunner

    from auditor.cli import commands, plain

    got: dict = {}

    def record(**kwargs):
        got.update(kwargs)
        raise plain.Exit(0)

    monkeypatch.setattr(plain, "check", record)
    result = CliRunner().invoke(commands.app, ["check", *argv])
    monkeypatch.undo()
    return got if result.exit_code == 0 and got else None


def with_defaults(params: dict) -> dict:
    import inspect

    from auditor.cli import plain

    defaults = {k: v.default for k, v in inspect.signature(plain.check).parameters.items()
                if v.default is not inspect.Parameter.empty}
    return {**defaults, **params}


def test_fast_parser_reads_plain_command_lines_as_typer_does(monkeypatch):
    from auditor.cli.fast import parse

    for env in ("AUDITOR_OCR_ENGINE", "AUDITOR_PDF_PASSWORD", "AUDITOR_DEBUG"):
        monkeypatch.delenv(env, raising=False)
    for argv in TYPICAL:
        fast = parse(argv)
        assert fast is not None, argv                      # the command lines scripts write take the fast path
        assert with_defaults(fast) == typer_check_params(argv, monkeypatch), argv


def test_fast_parser_never_reads_a_command_line_otherwise_than_typer(monkeypatch):
    """Random command lines: whatever the fast parser accepts, typer accepts with the very same values."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from auditor.cli.fast import parse

    for env in ("AUDITOR_OCR_ENGINE", "AUDITOR_PDF_PASSWORD", "AUDITOR_DEBUG"):
        monkeypatch.delenv(env, raising=False)

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(FAST_TOKENS), max_size=9))
    def agree(argv):
        fast = parse(argv)
        if fast is not None:
            assert with_defaults(fast) == typer_check_params(argv, monkeypatch), argv

    agree()


def test_fast_parser_leaves_the_environment_to_typer(monkeypatch):
    from auditor.cli.fast import parse

    for env, value in (("AUDITOR_OCR_ENGINE", "tesseract"), ("AUDITOR_PDF_PASSWORD", "pw"), ("AUDITOR_DEBUG", "1"),
                       ("_AUDITOR_COMPLETE", "bash_complete")):
        monkeypatch.setenv(env, value)
        assert parse(["r.pdf"]) is None
        monkeypatch.delenv(env)
    assert parse(["r.pdf"]) is not None
    monkeypatch.setattr(os, "name", "nt")
    assert parse(["r.pdf"]) is None


def test_check_options_in_step():
    """typer's check, plain.check and the fast parser know the same options: a new option of check must be added
    to all three (an option only typer knows would send every command line using it to typer, but the fast path
    would call plain.check without it)."""
    import inspect

    from typer.main import get_command

    from auditor.cli import commands, fast, plain

    click_check = get_command(commands.app).commands["check"]  # type: ignore[attr-defined]
    typer_names = {p.name for p in click_check.params}
    assert typer_names == set(inspect.signature(plain.check).parameters)
    flags = {f for p in click_check.params for f in (*p.opts, *p.secondary_opts) if f.startswith("-")} - {"--help"}
    assert flags == set(fast.OPTIONS) | set(fast.FLAGS)
    assert {dest for dest, _ in fast.OPTIONS.values()} | {d for d, _ in fast.FLAGS.values()} | {"paths"} == typer_names


@pytest.mark.parametrize("argv", [
    ["check", "-f", "json", "SEED"],
    ["check", "SEED", "--format=sarif", "--fail-on", "warning", "-q"],
    ["check", "missing.pdf", "SEED", "-f", "json"],
    ["check", "--format", "bogus", "SEED"],
    ["check", "--config", "missing.toml", "SEED"],
    ["check", "--select", "arithmatic", "SEED"],
    ["check", "SEED", "--ocr-dpi", "50"],
    ["check", "--bogus", "SEED"],
    ["check"],
])
def test_fast_and_typer_print_the_same(argv, tmp_path, monkeypatch):
    """The same command line through main() (the fast path where it applies) and through typer: the same stdout,
    stderr and exit code."""
    argv = [str(SEED) if a == "SEED" else a for a in argv]
    code = ("import sys, runpy\n"
            "sys.argv = ['auditor', *sys.argv[1:]]\n"
            "runpy.run_module('auditor', run_name='__main__')\n")
    typer_code = ("import sys\n"
                  "from auditor.cli import commands\n"
                  "sys.argv = ['auditor', *sys.argv[1:]]\n"
                  "commands.main()\n")
    a = run_py(code, tmp_path, *argv)
    b = run_py(typer_code, tmp_path, *argv)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
    assert a.returncode in (0, 1, 2)


def test_internal_error_on_the_fast_path(tmp_path):
    code = ("import sys\n"
            "import auditor.cli.plain as plain\n"
            "def boom(**kw):\n"
            "    raise RuntimeError('something\\nbroke')\n"
            "plain.check = boom\n"
            "import auditor.cli.fast as fast\n"
            "fast.check = boom\n"
            "sys.argv = ['auditor', 'check', 'x.pdf']\n"
            "from auditor.cli import main\n"
            "main()\n")
    p = run_py(code, tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and "internal error: RuntimeError: something broke" in p.stderr
