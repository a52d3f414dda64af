'use strict';
// -r preload for tests/node_buffer_suite/run.sh: Buffer tracking on from the start, through the
// builtin, with no new globals (Node's test harness fails a test that leaves one).
require('node:slab_hunter')(0, 0);
