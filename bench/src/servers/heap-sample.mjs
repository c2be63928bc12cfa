// Preloaded into a server to sample what it allocates (V8's sampling heap profiler, through the inspector),
// from HEAP_SAMPLE_FROM_MS to HEAP_SAMPLE_TO_MS after start; writes the .heapprofile to HEAP_SAMPLE.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.HEAP_SAMPLE;
if (file) {
  const session = new Session();
  session.connect();
  const post = (m, p = {}) =>
    new Promise((res, rej) => session.post(m, p, (e, r) => (e ? rej(e) : res(r))));
  setTimeout(
    () => {
      // every 4 KiB allocated on average; objects collected since are kept in the profile (includeObjectsCollectedBy*)
      void post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    },
    Number(process.env.HEAP_SAMPLE_FROM_MS ?? 0),
  ).unref();
  setTimeout(
    async () => {
      const { profile } = await post('HeapProfiler.stopSampling');
      writeFileSync(file, JSON.stringify(profile));
    },
    Number(process.env.HEAP_SAMPLE_TO_MS ?? 30_000),
  ).unref();
}
