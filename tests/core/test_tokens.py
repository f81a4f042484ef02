"""The token state machine, checked against a plain model across two namespaces and a clock."""

from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.tokens import TokenAuthority, TokenState

LIFETIME = 3600.0


class Fixed:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class TokenMachine(RuleBasedStateMachine):
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.real = Fixed()
        self.worlds = {name: (VirtualClock(self.real), {}) for name in ("a", "b")}
        self.authorities = {name: TokenAuthority(clock, LIFETIME) for name, (clock, _) in self.worlds.items()}
        self.expected: dict[tuple[str, str], dict] = {}  # (world, token) -> model

    @rule(target=tokens, world=st.sampled_from(["a", "b"]), client=st.sampled_from(["c1", "c2"]))
    def issue(self, world, client):
        token = self.authorities[world].issue(client)
        clock = self.worlds[world][0]
        self.expected[(world, token.value)] = {
            "client": client,
            "expires": clock.timestamp() + LIFETIME,
            "revoked": False,
            "expired": False,
        }
        return (world, token.value)

    @rule(world=st.sampled_from(["a", "b"]), seconds=st.integers(0, 5000))
    def advance(self, world, seconds):
        self.worlds[world][0].advance(timedelta(seconds=seconds))

    @rule(ref=tokens)
    def expire_one(self, ref):
        world, value = ref
        self.authorities[world].expire(token=value)
        self.expected[ref]["expired"] = True

    @rule(ref=tokens)
    def revoke_one(self, ref):
        world, value = ref
        self.authorities[world].revoke(token=value)
        self.expected[ref]["revoked"] = True

    @rule(world=st.sampled_from(["a", "b"]), client=st.sampled_from(["c1", "c2"]))
    def revoke_client(self, world, client):
        self.authorities[world].revoke(client_id=client)
        for (w, _), model in self.expected.items():
            if w == world and model["client"] == client:
                model["revoked"] = True

    @rule(ref=tokens)
    def tokens_do_not_cross_namespaces(self, ref):
        world, value = ref
        other = "b" if world == "a" else "a"
        assert self.authorities[other].check(value)[0] is TokenState.UNKNOWN

    @invariant()
    def every_token_is_in_its_expected_state(self):
        for (world, value), model in self.expected.items():
            clock = self.worlds[world][0]
            if model["revoked"]:
                expected = TokenState.REVOKED
            elif model["expired"] or clock.timestamp() >= model["expires"]:
                expected = TokenState.EXPIRED
            else:
                expected = TokenState.VALID
            assert self.authorities[world].check(value)[0] is expected

    @invariant()
    def garbage_is_unknown(self):
        for authority in self.authorities.values():
            assert authority.check("not-a-token")[0] is TokenState.UNKNOWN
            assert authority.check("")[0] is TokenState.UNKNOWN


TestTokenStateMachine = TokenMachine.TestCase
