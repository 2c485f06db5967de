import type { Broker, BrokerOptions } from './broker';
import { RedisBroker } from './redis/redisBroker';
import { AmqpBroker } from './amqp/amqpBroker';
import type { ConnectionUrl } from '../url/connectionUrl';

/** The broker client for a parsed URL's transport. Nothing connects until `connect()`. */
export function createBroker(url: ConnectionUrl, options: BrokerOptions = {}): Broker {
  return url.kind === 'redis' ? new RedisBroker(url, options) : new AmqpBroker(url, options);
}
