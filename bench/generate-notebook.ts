// Deterministic synthetic notebooks for benchmarks: N code cells with source and stream outputs.
import type { JsonObject } from '../protocol/python-json';
import { stringifyPython } from '../protocol/python-json';

/** A notebook of `cells` cells, about `bytes` long in Jupyter's layout. */
export function generateNotebook(cells: number, bytes: number): string {
  const perCell = Math.max(200, Math.floor(bytes / cells) - 260);
  const line = (i: number, j: number) => `value_${i}_${j} = compute(${i}, ${j})  # step ${j}\n`;
  const out: JsonObject[] = [];
  for (let i = 0; i < cells; i++) {
    const source: string[] = [];
    for (let j = 0; source.join('').length < perCell * 0.3; j++) source.push(line(i, j));
    const text: string[] = [];
    for (let j = 0; text.join('').length < perCell * 0.6; j++)
      text.push(`epoch ${j}: loss=${(1 / (j + 1)).toFixed(6)}\n`);
    out.push({
      cell_type: 'code',
      execution_count: i + 1,
      id: `cell-${i}`,
      metadata: {},
      outputs: [{ name: 'stdout', output_type: 'stream', text }],
      source,
    });
  }
  const nb = {
    cells: out,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return stringifyPython(nb) + '\n';
}
