"""The mock's local certificate authority, so clients that insist on HTTPS to a carrier's real host
can be served unchanged: they trust one CA certificate, and the mock issues a leaf per host.

Imported only when TLS is asked for (`import mock_carriers` and `create_app` never load it):
it pulls in `cryptography`.
"""

from mock_carriers.tls.authority import CertificateAuthority, default_ca_dir

__all__ = ["CertificateAuthority", "default_ca_dir"]
