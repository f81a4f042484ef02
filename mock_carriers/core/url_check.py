"""Checking that a URL a client registers answers, before accepting it (an echo of a random value).

The check is outbound I/O that may take its whole deadline, so a route running it must not hold
its namespace's lock meanwhile (the route declares `locked=False`). Its outcome is a yes or no:
a closed port, no answer in time, a wrong answer and an unknown host all fail alike, so a caller
cannot use the check to learn which ports of the mock's host are open.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from mock_carriers.core.outbound import Outbound


@dataclass(frozen=True)
class EchoCheck:
    """`GET <url>?<param>=<challenge>` must answer 2xx with the challenge as its body, within `deadline` s."""

    param: str = "echo"
    deadline: float = 10.0

    def passes(self, outbound: Outbound, url: str, challenge: str) -> bool:
        try:
            answer = outbound.request("GET", self._with_challenge(url, challenge), deadline=self.deadline)
        except Exception:  # every failure is the same failure (see the module's docstring)
            return False
        return 200 <= answer.status < 300 and answer.body.decode("utf-8", "replace").strip() == challenge

    def _with_challenge(self, url: str, challenge: str) -> str:
        parts = urlsplit(url)
        query = "&".join(filter(None, (parts.query, urlencode({self.param: challenge}))))
        return urlunsplit(parts._replace(query=query, fragment=""))
