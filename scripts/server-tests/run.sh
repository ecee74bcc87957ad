#!/usr/bin/env bash
# The server's tests, for CI: the Swift tests of the Server package, then the real visdom 0.2.4
# client (from scripts/visdom-venv.sh) against logstore-server (client_tests.py: the corpus, the
# live scenarios against visdom's own server, sockets, auth, limits, SIGKILL under load), then
# hostile clients and the server's lifecycle (hardening_tests.py: Host/Origin, byte-exact names,
# timeouts, websocket protocol and sizes, refused requests on disk, visdom compatibility, shutdown,
# logging, port in use), the answers given from the event loop against Hummingbird's
# (event_loop_answers_tests.py: the same bytes, pipelined requests in order), and durable answers
# seen under strace (durability_tests.py). Arguments go to client_tests.py, e.g.
# `run.sh --only corpus`.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh

swift build
swift test --package-path Server --disable-swift-testing
swift build --package-path Server
python="$(scripts/visdom-venv.sh)"
status=0
"$python" scripts/server-tests/client_tests.py \
  --server Server/.build/debug/logstore-server --logstore .build/debug/logstore "$@" || status=1
"$python" scripts/server-tests/hardening_tests.py \
  --server Server/.build/debug/logstore-server --logstore .build/debug/logstore || status=1
"$python" scripts/server-tests/event_loop_answers_tests.py --server Server/.build/debug/logstore-server || status=1
"$python" scripts/server-tests/durability_tests.py --server Server/.build/debug/logstore-server || status=1
exit $status
