/**
 * autocannon, the API benches' load generator, is a development dependency: a checkout has it, an
 * install without development dependencies (`npm ci --omit=dev`) runs the server, not the
 * benches. Loaded when a bench starts, so that there it fails with a message saying so rather
 * than an unresolved import.
 */
import type autocannonFunction from 'autocannon';

export async function loadAutocannon(bench: string): Promise<typeof autocannonFunction> {
  try {
    return (await import('autocannon')).default;
  } catch {
    throw new Error(`${bench} needs the development dependency autocannon (npm install in a checkout)`);
  }
}
