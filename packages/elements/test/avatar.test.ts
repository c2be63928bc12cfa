/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { elements } from './helpers.js';

describe('avatars', () => {
  const cases: [string, string | null][] = [
    ['https://example.test/a.png', 'https://example.test/a.png'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['data:image/svg+xml,<svg onload=alert(1)>', null],
    ['http://example.test/a.png', null],
    ['//example.test/a.png', null],
    ['not a url', null],
    ['', null],
  ];
  for (const [input, expected] of cases) {
    it(`shows ${JSON.stringify(input)} ${expected ? 'as a picture' : 'as initials'}`, () => {
      expect(elements.safeAvatarUrl(input)).to.equal(expected);
    });
  }
});
