"""The HTTP/1.1 server layer under the WSGI app: listeners with a connection cap, per-connection
deadlines, keep-alive and pipelining, and protocol errors answered in JSON. It hands the app the
client's socket (`werkzeug.socket`), on which the connection-level faults act."""
