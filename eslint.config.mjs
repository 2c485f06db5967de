// Lint keeps the architecture honest: only src/vscode/** and src/extension.ts may import 'vscode'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'Only src/vscode/** and src/extension.ts may import vscode.' }],
  }],
};

// Webview bundles run in the browser (no Node), and only our wrappers in webview/components/ may use the
// toolkit: it is unmaintained upstream, so it must stay swappable.
const webviewImports = {
  'no-restricted-imports': ['error', {
    paths: [
      { name: 'vscode', message: 'Webviews talk to the host through src/shared messages, never vscode.' },
      { name: '@vscode/webview-ui-toolkit', message: 'Use the wrappers in webview/components/ (the toolkit must stay swappable).' },
    ],
    patterns: [{ group: ['node:*'], message: 'Webview bundles run in the browser: no Node APIs.' }],
  }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.test-run/**', '.vscode-test/**', '.rig/**', 'test/fixtures/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: noVscode },
  { files: ['webview/**/*.ts', 'test/browser/panels/**/*.ts', 'src/shared/**/*.ts'], ignores: ['webview/components/**'], rules: webviewImports },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },
);
