/**
 * Worker-thread entry (bundled as dist/eventDecodeWorker.js): decodes packed batches of raw Redis
 * event payloads (eventDecodeBatch.ts) so the extension host thread only applies the results.
 */
import { parentPort } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import { decodeBatch, type DecodeReply, type DecodeRequest } from './eventDecodeBatch';

const clock = new EventClock();
parentPort?.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    reply = decodeBatch(request, clock);
  } catch (err) {
    // decodeBatch never throws by design; if it did, the owner decodes this batch itself.
    reply = { id: request.id, events: [], errors: [], clock: clock.value };
    parentPort?.postMessage({ ...reply, failed: String((err as Error)?.message ?? err) });
    return;
  }
  parentPort?.postMessage(reply);
});
