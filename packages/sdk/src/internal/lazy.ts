/** A value made on first use by an async load (a dynamic import); a load that fails is tried again next time. */
export interface Lazy<T> {
  /** The value, loading it the first time. */
  get(): Promise<T>;
  /** The value if a load has started, else undefined (nothing is loaded). */
  started(): Promise<T> | undefined;
}

/** Wraps `load` so it runs once while it succeeds, and again after a failure. */
export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let loading: Promise<T> | undefined;
  return {
    get: () =>
      (loading ??= load().catch((err: unknown) => {
        loading = undefined;
        throw err;
      })),
    started: () => loading,
  };
}
