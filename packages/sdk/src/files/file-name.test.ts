import { describe, expect, it } from 'vitest';
import { utf8Length } from '../rtc/frames.js';
import { MAX_SAFE_NAME_BYTES, safeFileName } from './file-name.js';

describe('safeFileName', () => {
  it.each([
    ['a plain name', 'photo.jpg', 'photo.jpg'],
    ['a Unix path', '../../etc/passwd', 'passwd'],
    ['a Windows path', 'C:\\Users\\me\\report.docx', 'report.docx'],
    ['a right-to-left override hiding .exe', 'invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['isolates and marks', '\u2066a\u2069\u200fb\u061c.txt', 'ab.txt'],
    ['zero-width characters and a BOM', '\ufeffa\u200bb.txt', 'ab.txt'],
    ['control characters', 'a\u0000b\u0007c\u009f.txt', 'abc.txt'],
    ['newlines and tabs', 'a\nb\tc.txt', 'abc.txt'],
    ['characters Windows refuses', 'a<b>c:d"e|f?g*.txt', 'a_b_c_d_e_f_g_.txt'],
    ['a hidden-file dot', '.bashrc', 'bashrc'],
    ['trailing dots and spaces', 'name. . ', 'name'],
    ['runs of spaces', 'a   b.txt', 'a b.txt'],
    ['a device name', 'CON', '_CON'],
    ['a device name with an extension', 'lpt1.txt', '_lpt1.txt'],
    ['nothing left', '\u202e\u0000 . ', 'file'],
    ['only a path', '../', 'file'],
    ['decomposed accents, composed', 'Cafe\u0301.txt', 'Café.txt'],
  ])('%s', (_name, offered, safe) => {
    expect(safeFileName(offered)).toBe(safe);
  });

  it.each([
    ['ASCII', 'a'.repeat(400) + '.tar.gz'],
    ['three-byte text', '語'.repeat(300) + '.pdf'],
    ['emoji', '😀'.repeat(100) + '.png'],
    ['no extension', 'b'.repeat(1000)],
  ])('shortens a long %s name at a whole character, keeping the extension', (_name, offered) => {
    const safe = safeFileName(offered);
    expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES);
    expect(safe.length).toBeGreaterThan(10);
    const ext = /\.[a-z]+$/.exec(offered)?.[0];
    if (ext) expect(safe.endsWith(ext)).toBe(true);
    expect(safe).not.toMatch(/[\ud800-\udbff]$/); // no half of a pair left at the cut
  });
});
