/**
 * Worker-thread entry (bundled as dist/eventDecodeWorker.js): decodes packed batches of raw Redis
 * event payloads (eventDecodeBatch.ts) and posts the events back in columns (eventColumns.ts), so
 * the extension host thread only applies them.
 */
import { parentPort } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import { decodeBatch, type DecodeRequest, type ThreadReply } from './eventDecodeBatch';
import { packEvents } from './eventColumns';

const clock = new EventClock();
parentPort?.on('message', (request: DecodeRequest) => {
  let reply: ThreadReply;
  try {
    const { events, errors } = decodeBatch(request, clock);
    reply = { id: request.id, packed: packEvents(events), errors, clock: clock.value, bytes: request.bytes.buffer };
  } catch (err) {
    // decodeBatch never throws by design; if it did, the owner decodes this batch itself.
    parentPort?.postMessage({ id: request.id, failed: String((err as Error)?.message ?? err) });
    return;
  }
  const { types, numbers, refs } = reply.packed;
  // Arrays this thread no longer needs: moved, not copied. The decoded events are strings and
  // numbers of their own, so the request's bytes can go back to be filled again.
  parentPort?.postMessage(reply, [types.buffer, numbers.buffer, refs.buffer, request.bytes.buffer]);
});
