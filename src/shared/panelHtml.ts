/**
 * The HTML page of every panel. Pure (no 'vscode', no Node), so the browser tests load the very same
 * page, with the same Content-Security-Policy, as VS Code does.
 */

/** Where the page's resources come from, already turned into webview URIs by the caller. */
export interface PanelHtmlOptions {
  readonly title: string;
  /** `webview.cspSource`: the origin the bundles, styles, fonts and images are served from. */
  readonly cspSource: string;
  /** A fresh random value per render: the only script allowed to run carries it. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
}

/**
 * No inline script or style is allowed: initial data arrives as the first message, never interpolated
 * into the page. The nonce also admits `<style>` elements that carry it: the toolkit's FAST library
 * probes `:focus-visible` support with one, reading the nonce from `<meta property="csp-nonce">`
 * (style attributes stay blocked; CSSOM changes, as d3's `.style()` makes, are not affected by CSP).
 * `img-src` also allows `data:`/`blob:` because PNG export draws the serialised SVG through an image.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

export function panelHtml(options: PanelHtmlOptions): string {
  const attr = escapeHtml;
  const styles = options.styleUris.map((uri) => `  <link rel="stylesheet" href="${attr(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(options.cspSource, options.nonce))}">
  <meta property="csp-nonce" content="${attr(options.nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${escapeHtml(options.title)}</title>
</head>
<body>
  <main id="root"></main>
  <script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
