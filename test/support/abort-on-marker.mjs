// Fault injection for the model worker's crash tests, loaded into child processes with
// NODE_OPTIONS=--import (see crashOnMarker in model-programmer.test.ts): in the model worker, a
// document whose text holds REFINERY_TEST_CRASH_MARKER makes the process abort the way a
// llama.cpp assertion does, before the worker's own code sees it. It wraps process.emit instead
// of adding a 'message' listener: a listener would start reading the IPC channel before the
// worker listens, and the worker would miss its first messages.
const marker = process.env.REFINERY_TEST_CRASH_MARKER;
if (marker && /(worker-entry\.ts|model-worker\.js)$/.test(process.argv[1] ?? '')) {
  const emit = process.emit;
  process.emit = function (event, message, ...rest) {
    if (event === 'message' && message?.type === 'write' && typeof message.doc?.text === 'string' && message.doc.text.includes(marker)) process.abort();
    return emit.call(this, event, message, ...rest);
  };
}
