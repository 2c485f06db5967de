/**
 * SVG and PNG export of the whole diagram. The page's CSS (classes resolving VS Code theme variables)
 * does not travel with an exported file, so each element's computed colours are written onto a copy
 * as attributes; the copy shows the whole diagram at 100%, on the editor's background.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';
const COPIED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-family', 'font-size', 'font-weight', 'display'] as const;

export function exportSvg(svg: SVGSVGElement, size: { width: number; height: number }): string {
  const margin = 16;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = svg.querySelectorAll<SVGElement>('*');
  const copies = clone.querySelectorAll<SVGElement>('*');
  // Labels hidden while zoomed out are shown in the export: read the styles without that class.
  const zoomedOut = svg.classList.contains('zoomed-out');
  svg.classList.remove('zoomed-out');
  try {
    originals.forEach((element, i) => {
      const copy = copies[i];
      if (!copy || element.tagName === 'defs') return;
      const style = getComputedStyle(element);
      for (const property of COPIED) {
        const value = style.getPropertyValue(property);
        if (value && value !== 'none' || property === 'fill' || property === 'stroke') copy.setAttribute(property, value);
      }
    });
  } finally {
    if (zoomedOut) svg.classList.add('zoomed-out');
  }
  const viewport = clone.querySelector('.flow-viewport');
  viewport?.setAttribute('transform', `translate(${margin},${margin})`);
  const width = Math.ceil(size.width + 2 * margin);
  const height = Math.ceil(size.height + 2 * margin);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.removeAttribute('class');
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(document.body).backgroundColor);
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Renders the exported SVG to a PNG (base64, no data: prefix), as large as the canvas allows. */
export async function exportPng(svgText: string, size: { width: number; height: number }): Promise<string> {
  const maxSide = 16_384;
  const maxArea = 120_000_000;
  const scale = Math.min(2, maxSide / size.width, maxSide / size.height, Math.sqrt(maxArea / (size.width * size.height)));
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(image.width * scale));
    canvas.height = Math.max(1, Math.floor(image.height * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  } finally {
    URL.revokeObjectURL(url);
  }
}
