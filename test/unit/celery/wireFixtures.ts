/** Loads the captured wire samples in test/fixtures/wire (see its README). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Compiled: out/test/unit/celery -> 4 levels up is the repo root; run from source: 3 levels.
const BASE = [resolve(__dirname, '../../../../test/fixtures/wire'), resolve(__dirname, '../../../test/fixtures/wire')]
  .find((dir) => existsSync(resolve(dir, 'README.md'))) ?? resolve(__dirname, '../../../../test/fixtures/wire');

export function wireText(path: string): string {
  return readFileSync(resolve(BASE, path), 'utf8');
}

export function wireJson<T>(path: string): T {
  return JSON.parse(wireText(path)) as T;
}

export function wireJsonLines<T>(path: string): T[] {
  return wireText(path).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

export interface RedisTaskFixture {
  messages: Record<string, { key: string; raw: string; decodedBody: [unknown[], Record<string, unknown>, Record<string, unknown>] }>;
}

export interface AmqpTaskFixture {
  messages: Array<{
    fields: { deliveryTag: number; redelivered: boolean; exchange: string; routingKey: string };
    properties: Record<string, unknown> & { headers: Record<string, unknown> };
    content: string;
  }>;
}

export interface RedisEventsByType {
  byType: Record<string, Array<{ channel: string; localReceived: number; raw: string; scenario?: string; event: Record<string, unknown> }>>;
  failureVariants: Record<string, Array<{ scenario: string | null; event: Record<string, unknown> }>>;
}

export interface AmqpEventsByType {
  byType: Record<string, Array<{
    fields: { deliveryTag: number; redelivered: boolean; exchange: string; routingKey: string };
    properties: Record<string, unknown>;
    localReceived: number;
    content: string;
    scenario?: string;
    event: Record<string, unknown>;
  }>>;
}

export type TaskIds = Record<string, string | string[]>;
