"""The secrets gate: each credential shape is found, ordinary code is not, allowing is deliberate.

Every fixture is assembled at run time (prefixes split, bodies drawn from a seeded generator), so
neither this file nor the module ever matches itself; a test checks exactly that.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest
import xxhash

from conftest import run_cli
from prompt_foo_loom.book.secrets import Finding, allowed, describe_how_to_allow, gate, scan_text
from prompt_foo_loom.book.secrets_memo import CleanMemo, scan_parts

ROOT = Path(__file__).resolve().parents[1]
J = "".join
UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"


def rand(alphabet: str, n: int, seed: int = 7) -> str:
    """A random-looking body, the same on every run."""
    rng = random.Random(f"{seed}-{n}-{alphabet}")
    return J(rng.choice(alphabet) for _ in range(n))


def jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return J([part({"alg": "HS256", "typ": "JWT"}), ".", part(claims), ".", rand(ALNUM + "-_", 43)])


def pem(kind: str = "RSA ", escaped: bool = False) -> str:
    nl = "\\n" if escaped else "\n"
    body = nl.join(rand(B64, 64, seed=i) for i in range(4))
    begin = J(["-----BEG", "IN ", kind, "PRIV", "ATE KEY-----"])
    end = J(["-----E", "ND ", kind, "PRIV", "ATE KEY-----"])
    return begin + nl + body + nl + end


AWS_ID = J(["AK", "IA"]) + rand(UPPER_DIGITS, 16)
AWS_SECRET = rand(B64, 40, seed=3)

# (kind expected, text, line of the finding)
SHAPES = [
    ("private key block", "key = '''\n" + pem() + "\n'''\n", 2),
    ("private key block", pem("OPENSSH "), 1),
    ("private key block", json.dumps({"type": "service_account", "private_key": pem("")}), 1),  # GCP key file
    ("private key block", 'KEY = "' + pem("EC ", escaped=True) + '"', 1),
    ("AWS access key", f"aws_access_key_id = {AWS_ID}\n", 1),
    ("AWS access key", "key_id: " + J(["AK", "IA"]) + rand(string.ascii_uppercase, 16), 1),  # no digit
    ("AWS access key", "id: " + J(["AS", "IA"]) + rand(UPPER_DIGITS, 16, seed=2), 1),
    ("GitHub token", "token: " + J(["gh", "p_"]) + rand(ALNUM, 36), 1),
    ("GitHub token", "x\nremote = 'https://" + J(["gh", "s_"]) + rand(ALNUM, 36) + "@github.com/a/b'", 2),
    ("GitHub token", J(["github", "_pat_"]) + rand(ALNUM, 22) + "_" + rand(ALNUM, 59), 1),
    ("GitLab token", "CI: " + J(["gl", "pat-"]) + rand(ALNUM + "-_", 20), 1),
    ("Slack token", J(["xo", "xb-"]) + "1234567890-2345678901-" + rand(ALNUM, 24), 1),
    ("Stripe live key", "stripe.api_key = '" + J(["sk", "_live_"]) + rand(ALNUM, 24) + "'", 1),
    ("Stripe live key", J(["rk", "_live_"]) + rand(ALNUM, 99), 1),
    ("Google API key", 'maps("' + J(["AI", "za"]) + rand(ALNUM + "-_", 35) + '")', 1),
    ("OpenAI API key", "client = OpenAI(api_key='" + J(["sk", "-proj-"]) + rand(ALNUM + "-_", 80) + "')", 1),
    ("OpenAI API key", J(["s", "k-"]) + rand(ALNUM, 20) + J(["T3Blbk", "FJ"]) + rand(ALNUM, 20, seed=9), 1),
    ("Anthropic API key", "key=" + J(["sk", "-ant-"]) + "api03-" + rand(ALNUM + "-_", 93) + "AA", 1),
    ("JWT in an assignment", "auth = 'Bearer " + jwt({"sub": "42", "exp": 1900000000}) + "'", 1),
    ("JWT in an assignment", "Authorization: Bearer " + jwt({"sub": "42", "exp": 1900000000}), 1),
    ("secret assignment", "# .env\nDATABASE_PASSWORD=" + rand(ALNUM, 20) + "\n", 2),
    ("secret assignment", 'export STRIPE_API_KEY="' + rand(ALNUM, 32) + '"  # prod', 1),
    ("secret assignment", '{"SERVICE_TOKEN": "' + rand(ALNUM, 32) + '", "x": 1}', 1),
    ("secret assignment", "SLACK_SIGNING_SECRET: " + rand("0123456789abcdef", 32), 1),
    ("secret assignment", "AWS_SECRET_ACCESS_KEY=" + rand(ALNUM + "!@%^", 24), 1),
]


@pytest.mark.parametrize(
    ("kind", "text", "line"), SHAPES, ids=[f"{i}-{kind}" for i, (kind, *_) in enumerate(SHAPES)]
)
def test_each_shape_is_found_once_on_its_line(kind, text, line):
    findings = scan_text("f.txt", text)
    assert [(f.label, f.line, f.kind) for f in findings] == [("f.txt", line, kind)]


def test_aws_key_id_paired_with_its_secret_gives_both():
    text = f"[default]\naws_access_key_id = {AWS_ID}\nregion = eu-west-1\nsecret = {AWS_SECRET}\n"
    assert [(f.line, f.kind) for f in scan_text("credentials", text)] == [
        (2, "AWS access key"),
        (4, "AWS secret key"),
    ]


def test_aws_secret_alone_is_found_by_its_name():
    text = "aws_secret_access_key = " + AWS_SECRET
    assert [f.kind for f in scan_text("credentials", text)] == ["AWS secret key"]


HEX64 = rand("0123456789abcdef", 64)
TRAPS = [
    "API_KEY=changeme",
    "API_KEY=your-api-key-here",
    "OPENAI_API_KEY=sk-...",
    "TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx",
    "PASSWORD=<password>",
    'CLIENT_SECRET="${CLIENT_SECRET}"',
    "GITHUB_TOKEN=$GITHUB_TOKEN",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    'API_TOKEN = os.environ["API_TOKEN"]',
    'API_TOKEN = os.getenv("API_TOKEN", "")',
    "API_TOKEN = settings.api_token",
    "PASSWORD = get_password()",
    'TOKEN = "Xk29dkEkd92kdLq7" + suffix',
    'TOKEN = "Xk29dkEkd92kdLq7".strip()',
    'TOKEN = f"{prefix}Xk29dkEkd92kdLq"',
    'if API_TOKEN == "Xk29dkEkd92kdLq":',
    "MAX_TOKEN=4096",
    "ACCESS_TOKEN = 123456789012345678",
    'TOKEN_URL = "https://example.invalid/oauth/token"',
    'PASSWORD_HASH = "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW"',
    "DB_PASSWORD = 'development key'",
    f"SECRET_KEY = '{HEX64}'",  # a framework signing key: Flask/FastAPI docs publish such values
    f"    app.config.from_mapping(SECRET_KEY='{HEX64}')",
    'password = "hunter2hunter2"',  # lower-case code variables need a key-like value (issue 12)
    'db_password = "correct-horse-battery"',
    "aws_access_key_id = " + J(["AK", "IA"]) + "IOSFODNN7" + J(["EXAM", "PLE"]),  # AWS's documented example
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + J(["EXAM", "PLE"]) + "KEY",
    "token = " + J(["gh", "p_"]) + "x" * 36,
    "TOKEN = " + J(["gh", "p_"]) + "0" * 36,
    "see the task-" + rand(ALNUM, 48) + " and the risk-free path",
    "headers = {'Authorization': 'Bearer " + jwt({"sub": "johndoe"}) + "'}",  # hand-made: no expiry
    jwt({"sub": "42", "exp": 1900000000}),  # a JWT in prose, not assigned
    'if line.startswith("' + J(["-----BEG", "IN RSA PRIV", "ATE KEY-----"]) + '"):\n    parse(line)',
    J(["-----BEG", "IN PRIV", "ATE KEY-----"]) + "\n...\n" + J(["-----E", "ND PRIV", "ATE KEY-----"]),
    "The AKIA prefix marks long-term keys; ASIA marks temporary ones.",
    "REGIONS = [" + J(["AS", "IA"]) + "PACIFICSOUTHEAST]",
]


@pytest.mark.parametrize("text", TRAPS)
def test_false_positive_traps_are_not_found(text):
    assert scan_text("trap.py", text) == []


def test_module_and_tests_do_not_match_themselves():
    for rel in ("imports/book/secrets.py", "tests/test_secrets.py"):
        assert scan_text(rel, (ROOT / rel).read_text(encoding="utf-8")) == [], rel


def test_excerpt_redacts_the_secret_keeping_a_few_leading_characters():
    token = J(["gh", "p_"]) + rand(ALNUM, 36)
    [finding] = scan_text("ci.yml", f"a\nb\n  token: {token}  # deploy\n")
    assert finding == Finding("ci.yml", 3, "GitHub token", f"token: {token[:4]}…[redacted]  # deploy")
    assert token[4:12] not in finding.excerpt


def test_assignment_excerpt_redacts_the_value_not_the_name():
    value = rand(ALNUM, 30)
    [finding] = scan_text(".env", f"MAILGUN_API_KEY={value}\n")
    assert finding.excerpt == f"MAILGUN_API_KEY={value[:4]}…[redacted]"


def test_long_lines_are_clipped_around_the_redacted_secret():
    token = J(["gh", "o_"]) + rand(ALNUM, 36)
    [finding] = scan_text("bundle.js", "x" * 500 + f'"{token}"' + "y" * 500)
    assert finding.excerpt == "..." + "x" * 56 + f'"{token[:4]}…[redacted]"' + "y" * 56 + "..."


def test_pem_excerpt_shows_only_the_begin_line():
    [finding] = scan_text("id_rsa", pem())
    assert finding.excerpt.startswith(J(["-----BEG", "IN "]))
    assert rand(B64, 64, seed=0)[8:] not in finding.excerpt


TOKEN_LINE = "deploy_token: " + J(["gl", "pat-"]) + rand(ALNUM, 20)


def test_inline_marker_allows_that_line_only():
    text = TOKEN_LINE + "  # prompt-foo: allow-secret\n" + TOKEN_LINE.replace("deploy", "other") + "\n"
    findings = scan_text("ci.yml", text)
    assert [f.line for f in findings] == [1, 2]
    lines = text.split("\n")
    assert [allowed(f, [], lines[f.line - 1]) for f in findings] == [True, False]
    assert [f.line for f in gate("ci.yml", text, [])] == [2]


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        ([], False),
        (["tests/fixtures/*"], True),
        (["tests/*"], True),  # fnmatch: * crosses folders
        (["tests/fixtures/ci.yml:1"], True),
        (["tests/fixtures/ci.yml:2"], False),
        (["*.py", "docs/**"], False),
    ],
)
def test_globs_allow_by_label_or_label_and_line(globs, expected):
    [finding] = scan_text("tests/fixtures/ci.yml", TOKEN_LINE)
    assert allowed(finding, globs, TOKEN_LINE) is expected
    assert gate("tests/fixtures/ci.yml", TOKEN_LINE, globs) == ([] if expected else [finding])


def test_how_to_allow_names_every_mechanism():
    text = describe_how_to_allow()
    needles = ("prompt-foo: allow-secret", "--allow-secret GLOB", "allow_secrets = [", "[tool.prompt-foo]")
    assert [n for n in needles if n not in text] == []


def test_clean_text_and_crlf_lines():
    assert scan_text("a.py", "def f():\n    return 1\n") == []
    text = "x = 1\r\nGOOGLE_KEY: " + J(["AI", "za"]) + rand(ALNUM, 35) + "\r\n"
    [finding] = scan_text("a.yml", text)
    assert (finding.line, finding.kind) == (2, "Google API key")
    assert "\r" not in finding.excerpt


# The gate through the real compile command: refusal (exit 5, path:line, nothing written) and
# each way of allowing deliberately.
DEPLOY_TOKEN = J(["gh", "p_"]) + rand(ALNUM, 36, seed=11)


@pytest.fixture
def leaky_repo(git_repo):
    git_repo.write("app.py", "print('hello')\n")
    git_repo.write("config/deploy.yml", f"name: deploy\ntoken: {DEPLOY_TOKEN}\n")
    git_repo.commit("initial")
    return git_repo


def compile_book(repo, *args):
    return run_cli("prompt_foo.py", "--no-clipboard", "-o", "book.md", *args, "Go.", cwd=repo.root)


def test_compile_refuses_naming_path_and_line_and_writes_nothing(leaky_repo):
    r = compile_book(leaky_repo)
    assert (r.returncode, r.stdout) == (5, "")
    assert r.stderr == (
        "prompt-foo: secrets found: 1 credential-shaped string found; nothing was emitted:\n"
        f"  Codebase: config/deploy.yml:2: GitHub token: token: {DEPLOY_TOKEN[:4]}…[redacted]\n"
        + describe_how_to_allow()
        + "\n"
    )
    assert not (leaky_repo.root / "book.md").exists()


@pytest.mark.parametrize("glob", ["config/*", "config/deploy.yml:2"])
def test_compile_allow_secret_flag_lets_the_book_out(leaky_repo, glob):
    r = compile_book(leaky_repo, "--allow-secret", glob)
    assert r.returncode == 0, r.stderr
    assert "allowed secret: config/deploy.yml:2 (GitHub token)" in r.stderr
    assert DEPLOY_TOKEN in (leaky_repo.root / "book.md").read_text(encoding="utf-8")


def test_compile_allow_secret_for_another_line_still_refuses(leaky_repo):
    assert compile_book(leaky_repo, "--allow-secret", "config/deploy.yml:1").returncode == 5


def test_compile_honours_pyproject_allow_secrets(leaky_repo):
    leaky_repo.write("pyproject.toml", '[tool.prompt-foo]\nallow_secrets = ["config/deploy.yml"]\n')
    leaky_repo.commit("allow")
    assert compile_book(leaky_repo).returncode == 0


def test_compile_honours_the_inline_marker(leaky_repo):
    leaky_repo.write("config/deploy.yml", f"name: deploy\ntoken: {DEPLOY_TOKEN}  # prompt-foo: allow-secret\n")
    leaky_repo.commit("mark")
    assert compile_book(leaky_repo).returncode == 0


# The clean-verdict memo: unchanged clean files are not rescanned; findings never are memoized.
def test_memo_remembers_clean_texts_across_runs(tmp_path):
    memo = CleanMemo(tmp_path)
    assert memo.scan("a.py", "x = 1\n") == []
    memo.save()
    [memo_file] = tmp_path.glob("secrets-clean-*.json")
    assert CleanMemo(tmp_path).clean == memo.clean == set(json.loads(memo_file.read_text()))
    assert len(memo.clean) == 1


def test_memo_never_remembers_a_finding(tmp_path):
    memo = CleanMemo(tmp_path)
    assert len(memo.scan("ci.yml", TOKEN_LINE)) == 1
    memo.save()
    assert list(tmp_path.iterdir()) == []  # nothing clean, nothing written
    assert len(CleanMemo(tmp_path).scan("ci.yml", TOKEN_LINE)) == 1


def test_memo_is_consulted_before_scanning(tmp_path):
    memo = CleanMemo(tmp_path)
    memo.scan("a.py", "x = 1\n")
    memo.save()
    [memo_file] = tmp_path.glob("secrets-clean-*.json")
    # Plant the hash of a leaky text as if it had been found clean: the memo must then skip it.
    key = xxhash.xxh3_128_hexdigest(TOKEN_LINE.encode())
    memo_file.write_text(json.dumps([key]))
    assert CleanMemo(tmp_path).scan("ci.yml", TOKEN_LINE) == []
    assert CleanMemo(None).scan("ci.yml", TOKEN_LINE) != []


def test_memo_survives_an_unreadable_file_and_drops_old_rules(tmp_path):
    (tmp_path / "secrets-clean-0000.json").write_text("[]")
    memo = CleanMemo(tmp_path)
    memo.path.write_text("{not json")
    memo = CleanMemo(tmp_path)
    assert memo.clean == set()
    memo.scan("a.py", "x = 1\n")
    memo.save()
    assert [p.name for p in tmp_path.iterdir()] == [memo.path.name]


def test_scan_parts_finds_per_part_lines_and_memoizes_the_clean_ones(tmp_path):
    parts = [("a.py", "x = 1\n"), ("empty", ""), ("ci.yml", "a: 1\n" + TOKEN_LINE)]
    for _ in range(2):
        assert [(f.label, f.line, f.kind) for f in scan_parts(parts, tmp_path)] == [("ci.yml", 2, "GitLab token")]
    [memo_file] = tmp_path.glob("secrets-clean-*.json")
    assert json.loads(memo_file.read_text()) == [xxhash.xxh3_128_hexdigest(b"x = 1\n")]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([f"s = {AWS_SECRET}", f"id = {AWS_ID}"], [(1, "AWS secret key"), (2, "AWS access key")]),
        ([f"id = {AWS_ID}", "a", "b", f"s = {AWS_SECRET}"], [(1, "AWS access key"), (4, "AWS secret key")]),
        ([f"s = {AWS_SECRET}", "a", "b", "c", f"id = {AWS_ID}"], [(5, "AWS access key")]),
        ([f"id = {AWS_ID}", "a", "b", "c", f"s = {AWS_SECRET}"], [(1, "AWS access key")]),
        (["x"] * 9 + [f"s = {AWS_SECRET}", "y", f"id = {AWS_ID}"],
         [(10, "AWS secret key"), (12, "AWS access key")]),
        ([f"id = {AWS_ID} # ci", "a", "b", f"s = {AWS_SECRET}"],
         [(1, "AWS access key"), (4, "AWS secret key")]),
        ([f"id = {AWS_ID} # ci", "a", "b", "c", f"s = {AWS_SECRET}"], [(1, "AWS access key")]),
    ],
)
def test_aws_secret_pairs_only_within_three_lines_either_side(lines, expected):
    assert [(f.line, f.kind) for f in scan_text("env", "\n".join(lines) + "\n")] == expected
