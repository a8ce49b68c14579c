/** Builds the renderer once before the browser tests, unless out/renderer is newer than its sources. */
import { ensureRendererBuilt } from '../../main/api/transport/renderer-build';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const built = await ensureRendererBuilt();
  if (built) console.log(`e2e: built the renderer in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
