import * as assert from 'node:assert/strict';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { ThreadSubscriptions } from '../../../src/core/monitor/threadSubscriptions';
import type { ToSubscriber } from '../../../src/core/monitor/threadSubscriptionProtocol';
import { isConnectionFault } from '../../../src/core/monitor/faults';
import { TimeoutError } from '../../../src/core/util/errors';

const SOURCE = { url: parseConnectionUrl('redis://127.0.0.1:6379/0') as RedisConnectionUrl };

function subscriptions(): { subs: ThreadSubscriptions; sent: ToSubscriber[]; lost: string[]; cuts: number[][] } {
  const sent: ToSubscriber[] = [];
  return { subs: new ThreadSubscriptions((m) => sent.push(m)), sent, lost: [], cuts: [] };
}

describe('(unit) ThreadSubscriptions (the owner\'s side of the thread\'s subscriptions)', () => {
  it('resolves once the thread subscribed; close and probe are messages answered by the thread', async () => {
    const { subs, sent, lost, cuts } = subscriptions();
    const pending = subs.subscribe(SOURCE, { onInterruption: (a, b) => cuts.push([a, b]), onLost: (r) => lost.push(r) });
    assert.deepEqual(sent, [{ kind: 'subscribe', id: 1, source: SOURCE }]);
    subs.handle({ kind: 'subscribed', id: 1 });
    const subscription = await pending;
    subs.handle({ kind: 'interrupted', id: 1, lostAt: 5, resumedAt: 9, reason: 'cut' });
    assert.deepEqual(cuts, [[5, 9]]);
    const verdict = subscription.probe?.();
    assert.deepEqual(sent[1], { kind: 'probe', id: 1 });
    subs.handle({ kind: 'probed', id: 1, verdict: 'alive' });
    assert.equal(await verdict, 'alive');
    const closing = subscription.close();
    assert.deepEqual(sent[2], { kind: 'unsubscribe', id: 1 });
    assert.equal(subscription.close(), closing, 'close is idempotent');
    subs.handle({ kind: 'unsubscribed', id: 1 });
    await closing;
    subs.threadGone('gone', true);
    assert.deepEqual(lost, [], 'a closed subscription is not lost');
  });

  it('a refused subscription rejects with the error a broker call gives (a timeout stays a timeout)', async () => {
    const { subs } = subscriptions();
    const pending = subs.subscribe(SOURCE, { onInterruption: () => undefined, onLost: () => undefined });
    subs.handle({ kind: 'subscribe-failed', id: 1, message: 'Cannot connect to Redis redis://127.0.0.1:1/0 (event subscriber): no answer within 5000 ms', code: 'TIMEOUT' });
    await assert.rejects(pending, (err: unknown) => err instanceof TimeoutError && isConnectionFault(err));
  });

  it('when the thread fails: a live subscription hears onLost, a pending one rejects as a connection fault, probes answer unknown', async () => {
    const { subs, lost } = subscriptions();
    const live = subs.subscribe(SOURCE, { onInterruption: () => undefined, onLost: (r) => lost.push(r) });
    subs.handle({ kind: 'subscribed', id: 1 });
    const probe = (await live).probe?.();
    const pending = subs.subscribe(SOURCE, { onInterruption: () => undefined, onLost: (r) => lost.push(`pending: ${r}`) });
    subs.threadGone('the event decoding thread exited (code 1)', true);
    assert.deepEqual(lost, ['the event decoding thread exited (code 1)']);
    await assert.rejects(pending, (err: unknown) => isConnectionFault(err));
    assert.equal(await probe, 'unknown');
  });

  it('when its owner stops the thread, nothing is reported lost', async () => {
    const { subs, lost } = subscriptions();
    const live = subs.subscribe(SOURCE, { onInterruption: () => undefined, onLost: (r) => lost.push(r) });
    subs.handle({ kind: 'subscribed', id: 1 });
    await live;
    subs.threadGone('stopped', false);
    assert.deepEqual(lost, []);
  });
});
