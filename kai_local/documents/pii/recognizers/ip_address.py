"""IPv4 and IPv6 addresses, validated with the standard library."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]\w|\w)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})(?![\w:])")
CONTEXT = words(
    "IP",
    "IPv4",
    "IPv6",
    "IP-Adresse",
    "IP address",
    "Adresse",
    "address",
    "Server",
    "Host",
    "Client",
    "Gateway",
    "Router",
    "von",
    "from",
)


class IpAddressRule(RuleRecognizer):
    ENTITY = "IP_ADDRESS"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for pattern in (IPV4, IPV6):
            for m in pattern.finditer(text):
                try:
                    ipaddress.ip_address(m.group())
                except ValueError:
                    continue
                if pattern is IPV6 and m.group().count(":") < 2:
                    continue
                score = 0.95 if has_context(CONTEXT, text, m.start(), 30) else 0.7
                yield Span(m.start(), m.end(), score)
