/**
 * Worker-thread entry (bundled as dist/eventDecodeWorker.js): holds the Redis event subscription
 * itself (threadEventSubscriber.ts), or decodes packed batches of raw payloads its owner received
 * (eventDecodeBatch.ts); either way the events go back in columns (eventColumns.ts), so the
 * extension host thread only applies them.
 */
import { parentPort } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import { decodeBatch, type DecodeRequest, type ThreadReply } from './eventDecodeBatch';
import { packEvents } from './eventColumns';
import { ThreadEventSubscriber } from './threadEventSubscriber';
import type { ToSubscriber } from './threadSubscriptionProtocol';

const clock = new EventClock();
const subscriber = new ThreadEventSubscriber((message, transfer) => parentPort?.postMessage(message, transfer ?? []), clock);
parentPort?.on('message', (request: DecodeRequest | ToSubscriber) => {
  if ('kind' in request) {
    subscriber.handle(request);
    return;
  }
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
