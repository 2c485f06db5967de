/** The limits shared by the decoding thread and its owner (eventDecoderThread.ts, threadEventSubscriber.ts). */

/** Raw bytes received and not yet applied (or, on the thread, not yet decoded) before reading pauses. */
export const MAX_IN_FLIGHT_BYTES = 16 * 2 ** 20;
/** Most messages decoded into one batch, so one reply never takes long to receive. */
export const MAX_BATCH_MESSAGES = 1024;
/** Batches with the thread or decoded and not yet applied: enough to keep the thread busy. */
export const MAX_BATCHES_AHEAD = 3;
