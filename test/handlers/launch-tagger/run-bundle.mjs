// Runs the bundled launch tagger (an index.mjs taken from the deployment zip) in a fresh Node
// process, the way Lambda would: the handler's config comes from the environment, the SDK's
// endpoint from AWS_ENDPOINT_URL_EC2. Usage:
//   node run-bundle.mjs <index.mjs> <events.json> <results.json> [concurrency]
// Writes [{ ok: true, outcome } | { ok: false, error: { name, message } }] in event order, plus timings.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventsFile, resultsFile, concurrencyArg] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const concurrency = Number(concurrencyArg ?? 1);

const loadStart = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const loadMs = performance.now() - loadStart;

const results = new Array(events.length);
let next = 0;
const runStart = performance.now();
async function worker() {
  while (next < events.length) {
    const index = next++;
    try {
      results[index] = { ok: true, outcome: await handler(events[index]) };
    } catch (error) {
      results[index] = { ok: false, error: { name: error.name, message: error.message } };
    }
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, worker));
const runMs = performance.now() - runStart;

writeFileSync(resultsFile, JSON.stringify({ loadMs, runMs, results }));
