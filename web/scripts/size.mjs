// Reports the gzip size of the JavaScript in dist/ and fails the build when it
// goes over the budget (80 kB gzip, issue 7).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 80 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dist).filter((f) => f.endsWith('.js'));
if (files.length === 0) {
  console.error('size: no JavaScript found in dist/');
  process.exit(1);
}
let total = 0;
for (const f of files) {
  const raw = readFileSync(f);
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`size: ${relative(dist, f)}  ${(raw.length / 1024).toFixed(1)} kB raw, ${(gz / 1024).toFixed(1)} kB gzip`);
}
const verdict = total <= BUDGET ? 'within' : 'OVER';
console.log(`size: JS total ${(total / 1024).toFixed(1)} kB gzip (${verdict} the ${BUDGET / 1024} kB budget)`);
if (total > BUDGET) process.exit(1);
