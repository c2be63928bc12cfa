// The Custom Elements Manifest (custom-elements.json), written by `cem analyze` in the build. The analyzer
// lists modules in the order it happens to read them; they are sorted by path so that a build writes the
// same file every time.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/stories/**'],
  litelement: true,
  plugins: [
    {
      name: 'p2pchat-sorted-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) =>
          a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
        );
      },
    },
  ],
};
