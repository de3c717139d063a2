"""Provider credential shapes for the secrets gate: (kind, lead, body) rows.

``body`` is a regex starting with the issuer's literal prefix (so the scan can skip texts
without it); ``lead`` is None, or a regex for what must come right before the match when the
literal sits mid-token (the 32 hex before a Mailchimp key's ``-us``). The inventory follows
gitleaks' rules and detect-secrets' plugins, keeping only shapes an issuer fixes tightly enough
to stay silent on real code. Prefixes are assembled from fragments so this file cannot match itself.
"""

from __future__ import annotations

_J = "".join

PROVIDERS = (
    ("GitLab token", None, _J(["gl", r"(?:dt|rt|ptt|soat|cbt|agent)-"]) + r"[A-Za-z0-9_\-]{20,}"),
    ("Slack app token", None, _J(["xa", "pp-"]) + r"[0-9]-[A-Z0-9]{9,}-[0-9]{9,}-[A-Za-z0-9]{32,}"),
    ("Slack webhook", None, _J(["hooks.sl", "ack.com/"]) + r"(?:services|workflows|triggers)/T[A-Z0-9]{6,}/"
                                                        r"[A-Z0-9]{6,}/[A-Za-z0-9]{20,}"),
    ("Discord webhook", None, _J(["disc", "ord"]) + r"(?:app)?\.com/api/webhooks/[0-9]{15,20}/[A-Za-z0-9_\-]{60,}"),
    ("Stripe webhook secret", None, _J(["wh", "sec_"]) + r"[A-Za-z0-9]{32,}"),
    ("Google OAuth client secret", None, _J(["GOC", "SPX-"]) + r"[A-Za-z0-9_\-]{28}"),
    ("Google OAuth access token", None, _J(["ya", r"29\."]) + r"[A-Za-z0-9_\-]{30,}"),
    ("Google OAuth refresh token", None, _J(["1//", "0"]) + r"[A-Za-z0-9_\-]{40,}"),
    ("npm token", None, _J(["np", "m_"]) + r"[A-Za-z0-9]{36}"),
    ("PyPI token", None, _J(["pypi-", "AgEIcHlwaS5vcmc"]) + r"[A-Za-z0-9_\-]{50,}"),
    ("SendGrid API key", None, _J(["S", r"G\."]) + r"[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    ("Twilio account SID", None, _J(["A", "C"]) + r"[0-9a-f]{32}"),
    ("Twilio API key", None, _J(["S", "K"]) + r"[0-9a-f]{32}"),
    ("Mailchimp API key", r"[0-9a-f]{32}\Z", r"-us[0-9]{1,2}"),
    ("Shopify token", None, _J(["sh", "p"]) + r"(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    ("DigitalOcean token", None, _J(["do", "[opr]_v1_"]) + r"[a-f0-9]{64}"),
    ("Hugging Face token", None, _J(["h", "f_"]) + r"[A-Za-z]{34}"),
    ("Databricks token", None, _J(["da", "pi"]) + r"[a-f0-9]{32}(?:-[0-9])?"),
    ("Doppler token", None, _J(["dp", r"\.(?:pt|st|ct|sa|scim|audit)\."]) + r"[A-Za-z0-9]{40,}"),
    ("Linear API key", None, _J(["lin", "_api_"]) + r"[A-Za-z0-9]{40}"),
    ("Postman API key", None, _J(["PM", "AK-"]) + r"[a-f0-9]{24}-[a-f0-9]{34}"),
    ("Pulumi token", None, _J(["pu", "l-"]) + r"[a-f0-9]{40}"),
    ("Grafana token", None, _J(["gl", "sa_"]) + r"[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|" + _J(["gl", "c_"])
     + r"[A-Za-z0-9+/]{32,}={0,2}"),
    ("New Relic key", None, _J(["NR", "(?:AK|AA|II|JS|RA|RI|SP)-"]) + r"[A-Z0-9]{27}"),
    ("Sentry token", None, _J(["sn", "try[us]_"]) + r"[A-Za-z0-9=_+/]{64,}"),
    ("Telegram bot token", r"(?<![0-9])[0-9]{8,10}\Z", r":AA[A-Za-z0-9_\-]{33}"),
    ("Azure storage key", None, _J(["Account", "Key="]) + r"[A-Za-z0-9+/]{86}=="),
    ("Azure shared access key", None, _J(["SharedAccess", "Key="]) + r"[A-Za-z0-9+/]{43}="),
    ("Azure AD client secret", r"(?<![A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}[0-9]\Z", r"Q~[A-Za-z0-9_~.\-]{31,34}"),
    ("Vault token", None, _J(["hv", r"[sb]\."]) + r"[A-Za-z0-9_\-]{90,}"),
    ("age secret key", None, _J(["AGE-SECRET-", "KEY-1"]) + r"[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    ("Supabase token", None, _J(["sb", "p_"]) + r"[a-f0-9]{40}"),
    ("Replicate token", None, _J(["r", "8_"]) + r"[A-Za-z0-9]{37}"),
    ("Groq API key", None, _J(["gs", "k_"]) + r"[A-Za-z0-9]{52}"),
    ("Atlassian API token", None, _J(["ATA", "TT3"]) + r"[A-Za-z0-9_\-=]{180,}"),
    ("Square token", None, _J(["sq", "0"]) + r"(?:atp-[A-Za-z0-9_\-]{22}|csp-[A-Za-z0-9_\-]{43})"),
    ("Heroku API key", None, _J(["HR", "KU-"]) + r"[A-Za-z0-9_\-]{60}"),
    ("Perplexity API key", None, _J(["pp", "lx-"]) + r"[A-Za-z0-9]{48}"),
    ("Terraform Cloud token", r"(?<![A-Za-z0-9])[A-Za-z0-9]{14}\Z", _J([r"\.atl", r"asv1\."]) + r"[A-Za-z0-9_=\-]{60,70}"),
    ("Dynatrace token", None, _J(["dt0", r"c01\."]) + r"[A-Z0-9]{24}\.[A-Z0-9]{64}"),
)
