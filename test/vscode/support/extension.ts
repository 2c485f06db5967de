import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../../src/extension';

/**
 * The API of the extension VS Code loaded (from dist/), activating it first; the tests' live objects
 * come from here, never from a value import of src/ (that would be a second copy, from out/).
 */
export async function activateCeleryLens(): Promise<CeleryLensApi> {
  const extension = vscode.extensions.getExtension<CeleryLensApi>('celery-lens.celery-lens');
  assert.ok(extension, 'celery-lens.celery-lens is not installed in this VS Code');
  return extension.activate();
}
