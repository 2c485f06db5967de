/**
 * Failures grouped by cause (see {@link fingerprint}): how often, since and until when, which
 * tasks and workers, and where in the user's code the newest one was raised. Pure: the Errors view
 * and the Problems panel both read these.
 */
import { fingerprintOf, TracebackCache } from './tracebackCache';
import { exceptionTypeFromRepr } from './tracebackQueries';
import type { TracebackFrame } from './tracebackTypes';

/** One failed task, as the state knows it. */
export interface FailureInput {
  id: string;
  name?: string;
  worker?: string;
  /** Python repr of the exception, e.g. `KeyError('x')`. */
  exception?: string;
  traceback?: string;
  /** When it failed, epoch seconds. */
  time?: number;
}

/** Failures sharing one fingerprint. */
export interface ErrorGroup {
  fingerprint: string;
  /** Short stable id derived from the fingerprint (for tree items and diagnostics). */
  key: string;
  /** The exception type, as the traceback printed it. */
  type: string;
  /** The newest occurrence's message (or exception repr when there is no traceback). */
  message: string;
  count: number;
  /** Epoch seconds; undefined when no failure carried a time. */
  firstSeen?: number;
  lastSeen?: number;
  /** Distinct task names and workers, sorted. */
  taskNames: string[];
  workers: string[];
  /** Task ids, newest first. */
  taskIds: string[];
  /** Deepest user frame of the newest occurrence that has one. */
  frame?: TracebackFrame;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short id, not a security measure. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

interface Building extends ErrorGroup {
  newest: number;
  names: Set<string>;
  hosts: Set<string>;
  ordered: Array<{ id: string; time: number }>;
}

/** Groups `failures`, newest group (by last failure) first. */
export function groupFailures(failures: Iterable<FailureInput>, cache = new TracebackCache()): ErrorGroup[] {
  const groups = new Map<string, Building>();
  for (const failure of failures) {
    const facts = cache.facts(failure.traceback ?? '');
    const reprType = exceptionTypeFromRepr(failure.exception);
    const print = fingerprintOf(facts, reprType, failure.name);
    const { final, frame } = facts;
    const time = failure.time !== undefined && Number.isFinite(failure.time) ? failure.time : -Infinity;
    let group = groups.get(print);
    if (!group) {
      group = {
        fingerprint: print, key: shortHash(print), type: final?.type ?? reprType ?? 'UnknownError', message: '', count: 0,
        taskNames: [], workers: [], taskIds: [], newest: -Infinity, names: new Set(), hosts: new Set(), ordered: [],
      };
      groups.set(print, group);
    }
    group.count++;
    group.ordered.push({ id: failure.id, time });
    if (failure.name) group.names.add(failure.name);
    if (failure.worker) group.hosts.add(failure.worker);
    if (Number.isFinite(time)) {
      group.firstSeen = Math.min(group.firstSeen ?? time, time);
      group.lastSeen = Math.max(group.lastSeen ?? time, time);
    }
    if (time >= group.newest || group.message === '') {
      group.newest = Math.max(group.newest, time);
      group.message = final ? final.message : failure.exception ?? '';
      if (frame) group.frame = frame;
    } else if (!group.frame && frame) {
      group.frame = frame;
    }
  }
  return [...groups.values()]
    .map(({ newest: _n, names, hosts, ordered, ...group }) => ({
      ...group,
      taskNames: [...names].sort(),
      workers: [...hosts].sort(),
      taskIds: ordered.sort((a, b) => b.time - a.time).map((o) => o.id),
    }))
    .sort((a, b) => (b.lastSeen ?? -Infinity) - (a.lastSeen ?? -Infinity) || b.count - a.count);
}
