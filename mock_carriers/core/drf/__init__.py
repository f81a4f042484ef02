"""Django REST Framework as its clients see it: error dialects, what every view does around its
handler (content negotiation, parsers, OPTIONS metadata), serializers in DRF's words, keyword-token
authentication, the sliding-window throttle and LimitOffset pagination. A carrier built on DRF
configures these; none names a carrier."""
