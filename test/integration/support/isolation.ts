/** Names that keep the integration run isolated from anything else on the same servers. */

/** RabbitMQ vhost dedicated to the integration run (deleted and recreated at start). */
export const testVhost = 'celery-lens-test';
/** Redis DBs dedicated to the run (flushed at start): redis cluster broker/backend, amqp cluster backend. */
export const testDbs = { redisBroker: 14, redisBackend: 15, amqpBackend: 13 } as const;
