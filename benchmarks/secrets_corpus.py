"""A corpus of fake, format-valid credentials: each kind written in several everyday contexts.

Values are random (seeded, so runs compare) and never real. Every provider prefix is
assembled from fragments so this file itself holds no credential shape.

    python benchmarks/secrets_corpus.py OUT_FOLDER   # writes one file per (kind, context)

``corpus(seed)`` returns [(kind, context, filename, text)] for other scripts and the tests.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
from pathlib import Path

J = "".join
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
_BANNED = ("test", "fake", "your", "mock", "xxxx", "demo", "dummy", "sample", "example", "here", "todo",
           "secret", "token", "password", "redacted", "placeholder", "insecure", "change", "default",
           "replace", "foobar", "0000")


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    while True:  # no accidental placeholder word inside a random value
        value = "".join(rng.choice(alphabet) for _ in range(n))
        digits_ok = any(c.isdigit() for c in value) or not any(c.isdigit() for c in alphabet)
        if not any(w in value.lower() for w in _BANNED) and digits_ok:
            return value


def _jwt(rng: random.Random) -> str:
    def part(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    claims = {"sub": _rand(rng, HEX, 12), "iat": 1760000000, "exp": 1790000000 + rng.randrange(9999)}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{_rand(rng, URLSAFE, 43)}"


def _pem(rng: random.Random, label: str) -> str:
    body = [_rand(rng, B64, 64) for _ in range(6)]
    begin, end = J(["-----BEG", "IN "]), J(["-----EN", "D "])
    return f"{begin}{label}-----\n" + "\n".join(body) + f"\n{end}{label}-----"


# kind -> (NAME used in assignments, value maker). Names are what such a value is usually called.
def kinds(rng: random.Random) -> dict[str, tuple[str, str]]:
    r = lambda a, n: _rand(rng, a, n)  # noqa: E731
    pk = J(["PRIV", "ATE KEY"])
    return {
        "AWS access key id": ("AWS_ACCESS_KEY_ID", J(["AK", "IA"]) + _rand(rng, string.ascii_uppercase + "234567", 16)),
        "AWS secret access key": ("AWS_SECRET_ACCESS_KEY", r(ALNUM + "+/", 40)),
        "GitHub classic token": ("GITHUB_TOKEN", J(["gh", "p_"]) + r(ALNUM, 36)),
        "GitHub OAuth token": ("GH_OAUTH_TOKEN", J(["gh", "o_"]) + r(ALNUM, 36)),
        "GitHub fine-grained token": ("GITHUB_PAT", J(["github", "_pat_"]) + r(ALNUM, 22) + "_" + r(ALNUM, 59)),
        "GitLab token": ("GITLAB_TOKEN", J(["gl", "pat-"]) + r(URLSAFE, 20)),
        "Slack bot token": ("SLACK_BOT_TOKEN", J(["xo", "xb-"]) + r("0123456789", 12) + "-" + r("0123456789", 13) + "-" + r(ALNUM, 24)),
        "Slack webhook": ("SLACK_WEBHOOK_URL", J(["https://hooks.sl", "ack.com/services/"]) + "T" + r(string.ascii_uppercase + "0123456789", 10) + "/B" + r(string.ascii_uppercase + "0123456789", 10) + "/" + r(ALNUM, 24)),
        "Stripe secret key": ("STRIPE_SECRET_KEY", J(["sk", "_live_"]) + r(ALNUM, 99)),
        "Stripe webhook secret": ("STRIPE_WEBHOOK_SECRET", J(["wh", "sec_"]) + r(ALNUM, 32)),
        "Google API key": ("GOOGLE_API_KEY", J(["AI", "za"]) + r(URLSAFE, 35)),
        "Google OAuth client secret": ("GOOGLE_CLIENT_SECRET", J(["GOC", "SPX-"]) + r(URLSAFE, 28)),
        "Google OAuth access token": ("GOOGLE_ACCESS_TOKEN", J(["ya", "29."]) + r(URLSAFE, 120)),
        "Google OAuth refresh token": ("GOOGLE_REFRESH_TOKEN", J(["1//0", "4"]) + r(URLSAFE, 90)),
        "OpenAI project key": ("OPENAI_API_KEY", J(["sk-", "proj-"]) + r(URLSAFE, 120)),
        "Anthropic API key": ("ANTHROPIC_API_KEY", J(["sk-", "ant-api03-"]) + r(URLSAFE, 93) + "AA"),
        "npm token": ("NPM_TOKEN", J(["np", "m_"]) + r(ALNUM, 36)),
        "PyPI token": ("PYPI_TOKEN", J(["pypi-", "AgEIcHlwaS5vcmc"]) + r(URLSAFE, 70)),
        "SendGrid API key": ("SENDGRID_API_KEY", J(["S", "G."]) + r(URLSAFE, 22) + "." + r(URLSAFE, 43)),
        "Twilio account SID": ("TWILIO_ACCOUNT_SID", J(["A", "C"]) + r(HEX, 32)),
        "Twilio API key": ("TWILIO_API_KEY", J(["S", "K"]) + r(HEX, 32)),
        "Mailchimp API key": ("MAILCHIMP_API_KEY", r(HEX, 32) + J(["-u", "s"]) + str(rng.randrange(1, 21))),
        "Shopify access token": ("SHOPIFY_ACCESS_TOKEN", J(["sh", "pat_"]) + r(HEX, 32)),
        "DigitalOcean token": ("DIGITALOCEAN_TOKEN", J(["do", "p_v1_"]) + r(HEX, 64)),
        "Hugging Face token": ("HF_TOKEN", J(["h", "f_"]) + r(string.ascii_letters, 34)),
        "Databricks token": ("DATABRICKS_TOKEN", J(["da", "pi"]) + r(HEX, 32)),
        "Doppler token": ("DOPPLER_TOKEN", J(["dp.", "pt."]) + r(ALNUM, 43)),
        "Linear API key": ("LINEAR_API_KEY", J(["lin", "_api_"]) + r(ALNUM, 40)),
        "Postman API key": ("POSTMAN_API_KEY", J(["PM", "AK-"]) + r(HEX, 24) + "-" + r(HEX, 34)),
        "Pulumi token": ("PULUMI_ACCESS_TOKEN", J(["pu", "l-"]) + r(HEX, 40)),
        "Grafana service account token": ("GRAFANA_TOKEN", J(["gl", "sa_"]) + r(ALNUM, 32) + "_" + r(HEX, 8)),
        "New Relic user key": ("NEW_RELIC_API_KEY", J(["NR", "AK-"]) + r(string.ascii_uppercase + "0123456789", 27)),
        "Sentry user token": ("SENTRY_AUTH_TOKEN", J(["sn", "tryu_"]) + r(HEX, 64)),
        "Telegram bot token": ("TELEGRAM_BOT_TOKEN", str(rng.randrange(10**8, 10**10)) + ":" + J(["A", "A"]) + r(URLSAFE, 33)),
        "Discord webhook": ("DISCORD_WEBHOOK_URL", J(["https://discord.com/api/", "webhooks/"]) + str(rng.randrange(10**17, 10**18)) + "/" + r(URLSAFE, 68)),
        "Azure storage connection string": ("AZURE_STORAGE_CONNECTION_STRING", J(["DefaultEndpointsProtocol=https;AccountName=", "st"]) + r(HEX, 10) + J([";Account", "Key="]) + r(B64, 86) + "==;EndpointSuffix=core.windows.net"),
        "Azure AD client secret": ("AZURE_CLIENT_SECRET", r(ALNUM, 3) + str(rng.randrange(10)) + J(["Q", "~"]) + r(ALNUM + "_~.-", 34)),
        "Vault token": ("VAULT_TOKEN", J(["hv", "s."]) + r(URLSAFE, 90)),
        "age secret key": ("AGE_SECRET_KEY", J(["AGE-SECRET", "-KEY-1"]) + _rand(rng, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
        "Supabase token": ("SUPABASE_ACCESS_TOKEN", J(["sb", "p_"]) + r(HEX, 40)),
        "Replicate token": ("REPLICATE_API_TOKEN", J(["r8", "_"]) + r(ALNUM, 37)),
        "Groq API key": ("GROQ_API_KEY", J(["gs", "k_"]) + r(ALNUM, 52)),
        "JWT with expiry": ("AUTH_JWT", _jwt(rng)),
        "PostgreSQL URL with password": ("DATABASE_URL", "postgresql://app_user:" + r(ALNUM, 20) + "@db.acme-prod.io:5432/app"),
        "MongoDB URL with password": ("MONGODB_URI", "mongodb+srv://svc:" + r(ALNUM, 20) + "@cluster0.ab1cd.mongodb.net/prod"),
        "Redis URL with password": ("REDIS_URL", "redis://default:" + r(ALNUM, 24) + "@cache.acme-prod.io:6379/0"),
        "Basic-auth URL": ("PACKAGE_INDEX_URL", "https://deploy:" + r(ALNUM, 20) + "@pkgs.acme-corp.io/simple/"),
        "RSA private key": ("PRIVATE_KEY", _pem(rng, "RSA " + pk)),
        "Generic API key (named)": ("PAYMENTS_API_KEY", r(ALNUM, 32)),
        "Generic password (named)": ("SMTP_PASSWORD", r(ALNUM, 18)),
    }


def _snake(name: str) -> str:
    return name.lower()


def _camel(name: str) -> str:
    head, *rest = name.lower().split("_")
    return head + "".join(w.title() for w in rest)


CONTEXTS = ("env", "shell", "python", "json", "yaml", "kwarg", "url-param", "markdown")


def render(context: str, name: str, value: str) -> tuple[str, str]:
    """(file name, text) for ``value`` called ``name`` in one context."""
    snake, camel = _snake(name), _camel(name)
    if "\n" in value:  # a multi-line value (a PEM block), written as each context writes one
        if context == "yaml":
            indented = "\n".join("    " + ln for ln in value.split("\n"))
            return "config.yaml", f"service:\n  {snake}: |\n{indented}\n"
        if context == "markdown":
            return "NOTES.md", f"# Setup\n\nThe staging key:\n\n```\n{value}\n```\n"
        if context in ("env", "python", "kwarg"):
            value = value.replace("\n", "\\n")
    if context == "env":
        return ".env", f"DEBUG=false\n{name}={value}\nLOG_LEVEL=info\n"
    if context == "shell":
        return "deploy.sh", f"#!/bin/sh\nset -eu\nexport {name}='{value}'\n./run-app\n"
    if context == "python":
        return "settings.py", f"import os\n\nDEBUG = False\n{snake} = \"{value}\"\n"
    if context == "json":
        return "config.json", json.dumps({"service": {"region": "eu-west-1", camel: value}}, indent=2) + "\n"
    if context == "yaml":
        return "config.yaml", f"service:\n  region: eu-west-1\n  {snake}: {value}\n"
    if context == "kwarg":
        return "client.py", f"def make():\n    return Client(region=\"eu\", {snake}=\"{value}\")\n"
    if context == "url-param":
        return "calls.txt", f"GET https://api.service.test/v1/items?limit=10&{snake}={value}\n"
    if context == "markdown":
        return "NOTES.md", f"# Setup\n\nThe {snake.replace('_', ' ')} for staging is `{value}`; ask ops for prod.\n"
    raise ValueError(context)


def corpus(seed: int = 12) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    out = []
    for kind, (name, value) in kinds(rng).items():
        for context in CONTEXTS:
            if context == "url-param" and "://" in value or context == "url-param" and "\n" in value:
                continue  # a URL inside a query, or a PEM as a keyword argument, is not how these appear
            filename, text = render(context, name, value)
            out.append((kind, context, filename, text))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    for i, (kind, context, filename, text) in enumerate(corpus()):
        folder = out / f"{i:03d}-{context}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_text(text, encoding="utf-8")
        (folder / "KIND").write_text(kind + "\n", encoding="utf-8")
    print(f"{len(corpus())} samples in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
