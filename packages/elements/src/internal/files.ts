// What <p2p-chat> needs to know about files both on its first load (the transfers controller) and in
// the views loaded on demand (the transfer list, the connection panel).

// Pictures shown inline: raster formats only (an SVG can carry script), and not too large to decode.
const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);
const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
const PREVIEW_MAX_PIXELS = 40_000_000;

/** Whether a received file may be shown inline: a small raster picture that really decodes. */
export async function decodesAsPicture(blob: Blob): Promise<boolean> {
  if (!PREVIEW_TYPES.has(blob.type) || blob.size > PREVIEW_MAX_BYTES) return false;
  if (typeof createImageBitmap !== 'function') return false;
  try {
    const bitmap = await createImageBitmap(blob);
    const ok = bitmap.width * bitmap.height <= PREVIEW_MAX_PIXELS;
    bitmap.close();
    return ok;
  } catch {
    return false; // not a picture, whatever its type said
  }
}

/** Bytes in words: 512 B, 1.5 KB, 20 MB, 1.2 GB (decimal units, as file managers show them). */
export function formatBytes(n: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}
