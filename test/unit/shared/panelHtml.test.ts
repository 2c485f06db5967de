import assert from 'node:assert/strict';
import { contentSecurityPolicy, panelHtml } from '../../../src/shared/panelHtml';

describe('(unit) panelHtml', () => {
  const html = panelHtml({
    title: 'Workflow <a&b>',
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview/flow.js',
    styleUris: ['https://x.vscode-cdn.net/dist/webview/flow.css'],
  });

  it('denies everything by default and runs only the nonce script', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.ok(html.includes(`content="${csp.replace(/'/g, '&#39;')}"`));
    assert.ok(html.includes('<script nonce="abc123" src="https://x.vscode-cdn.net/dist/webview/flow.js"></script>'));
    assert.equal(html.match(/<script/g)?.length, 1, 'no inline script');
  });

  it('escapes the title and carries no data inline', () => {
    assert.ok(html.includes('<title>Workflow &#60;a&#38;b&#62;</title>'));
    assert.doesNotMatch(html, /style=/);
  });
});
