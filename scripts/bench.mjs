// `npm run bench`: runs every bench in turn; `npm run bench -- NAME` runs bench/NAME.ts (via tsx).
// A bench is a bench/*.ts whose first line is the comment "// `npm run bench -- NAME`…"; other
// files there are helpers the benches import. Each bench prints what it likes and ends with
// exactly one JSON line: {"bench": NAME, "pairbook": {...}, "baseline": {"name": ...}, "ratio": N}.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) =>
    readFileSync(`bench/${name}.ts`, 'utf8').startsWith(`// \`npm run bench -- ${name}\``),
  )
  .sort();
const chosen = names.length ? names : all;
let failed = 0;
for (const name of chosen) {
  if (!existsSync(`bench/${name}.ts`)) {
    console.error(`pairbook bench: no bench/${name}.ts — choose one of: ${all.join(', ')}`);
    process.exit(2);
  }
  console.error(`── bench ${name} ──`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', `bench/${name}.ts`], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
