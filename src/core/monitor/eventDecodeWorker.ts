/**
 * Worker-thread entry (bundled as dist/eventDecodeWorker.js): holds the Redis event subscription
 * itself (threadEventSubscriber.ts) and posts the events back in columns (eventColumns.ts), so
 * the extension host thread only applies them.
 */
import { parentPort } from 'node:worker_threads';
import { EventClock } from '../celery/events';
import { ThreadEventSubscriber } from './threadEventSubscriber';
import type { ToSubscriber } from './threadSubscriptionProtocol';

const subscriber = new ThreadEventSubscriber((message, transfer) => parentPort?.postMessage(message, transfer ?? []), new EventClock());
parentPort?.on('message', (message: ToSubscriber) => subscriber.handle(message));
