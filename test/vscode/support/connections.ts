import type { CeleryLensApi } from '../../../src/extension';

/**
 * Removes every connection added through the extension (not the workspace's own), so a test file that
 * reads rendered rows sees only its own roots: the views are short, and rows of earlier files' roots
 * (same cluster, same workers) would push its rows out of sight.
 */
export async function removeAddedConnections(api: CeleryLensApi): Promise<void> {
  for (const profile of api.store.all()) {
    if (profile.source === 'user') await api.store.remove(profile.id);
  }
}
