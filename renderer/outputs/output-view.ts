import { ansiToHtml, escapeHtml } from './ansi';
import { renderMarkdown, renderTex } from './markdown';
import { renderOutputHtml, sanitizeHtml } from './sanitize';

/** Characters of text shown before an output is cut short with a notice. */
export const MAX_OUTPUT_CHARS = 200_000;

/** MIME types in the order a bundle's richest renderable one is chosen. */
export const MIME_ORDER = [
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'text/markdown',
  'text/latex',
  'application/json',
  'text/plain',
] as const;

type Json = Record<string, unknown>;

const el = (tag: string, className: string, testId?: string): HTMLElement => {
  const e = document.createElement(tag);
  e.className = className;
  if (testId) e.dataset.testid = testId;
  return e;
};

/** Text cut to MAX_OUTPUT_CHARS, and the notice saying so (null when whole). */
function truncate(text: string): { text: string; notice: HTMLElement | null } {
  if (text.length <= MAX_OUTPUT_CHARS) return { text, notice: null };
  const notice = el('div', 'output-truncated', 'output-truncated');
  notice.textContent =
    `Output truncated: showing the first ${MAX_OUTPUT_CHARS.toLocaleString('en')} of ` +
    `${text.length.toLocaleString('en')} characters.`;
  return { text: text.slice(0, MAX_OUTPUT_CHARS), notice };
}

function textBlock(text: string, className: string, testId: string): HTMLElement {
  const wrap = el('div', 'output-text-wrap');
  const { text: shown, notice } = truncate(text);
  const pre = el('pre', `output-text ${className}`, testId);
  pre.innerHTML = ansiToHtml(shown);
  wrap.append(pre);
  if (notice) wrap.append(notice);
  return wrap;
}

function asText(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : JSON.stringify(v);
}

function image(mime: string, data: string, metadata: Json): HTMLElement {
  const img = document.createElement('img');
  img.className = 'output-image';
  img.dataset.testid = 'output-image';
  img.dataset.mime = mime;
  img.alt = 'output image';
  img.src =
    mime === 'image/svg+xml'
      ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}`
      : `data:${mime};base64,${data.replace(/\s/g, '')}`;
  const meta = (metadata[mime] ?? {}) as Json;
  if (typeof meta.width === 'number') img.width = meta.width;
  if (typeof meta.height === 'number') img.height = meta.height;
  return img;
}

function jsonTree(value: unknown, key: string | null, depth: number): HTMLElement {
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Json);
    const details = el('details', 'json-node') as HTMLDetailsElement;
    details.open = depth < 2;
    const summary = el('summary', 'json-summary', 'json-toggle');
    const brackets = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    summary.innerHTML = `${key !== null ? `<span class="json-key">${escapeHtml(key)}</span>: ` : ''}<span class="json-brackets">${brackets}</span>`;
    details.append(summary, ...entries.map(([k, v]) => jsonTree(v, k, depth + 1)));
    return details;
  }
  const leaf = el('div', 'json-leaf');
  const cls = typeof value === 'string' ? 'json-string' : 'json-value';
  leaf.innerHTML = `${key !== null ? `<span class="json-key">${escapeHtml(key)}</span>: ` : ''}<span class="${cls}">${escapeHtml(JSON.stringify(value))}</span>`;
  return leaf;
}

/** Renders one MIME bundle (display_data / execute_result `data`). */
export function renderBundle(data: Json, metadata: Json): HTMLElement {
  const mime = MIME_ORDER.find((m) => m in data);
  const box = el('div', 'output-mime');
  if (!mime) {
    const types = Object.keys(data);
    const fallback = el('div', 'output-fallback', 'output-fallback');
    fallback.textContent = types.length
      ? `This output is ${types.join(', ')}, which Pairbook cannot show yet.`
      : 'This output is empty.';
    box.append(fallback);
    return box;
  }
  box.dataset.mime = mime;
  const value = data[mime];
  switch (mime) {
    case 'text/html': {
      const div = el('div', 'output-html', 'output-html');
      renderOutputHtml(div, asText(value));
      box.append(div);
      break;
    }
    case 'image/svg+xml':
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
      box.append(image(mime, asText(value), metadata));
      break;
    case 'text/markdown': {
      const div = el('div', 'output-markdown markdown-body', 'output-markdown');
      div.innerHTML = renderMarkdown(asText(value));
      box.append(div);
      break;
    }
    case 'text/latex': {
      const div = el('div', 'output-latex', 'output-latex');
      const tex = asText(value)
        .trim()
        .replace(/^\$\$?|\$\$?$/g, '');
      div.innerHTML = sanitizeHtml(renderTex(tex, true));
      box.append(div);
      break;
    }
    case 'application/json': {
      const div = el('div', 'output-json', 'output-json');
      div.append(jsonTree(value, null, 0));
      box.append(div);
      break;
    }
    default:
      box.append(textBlock(asText(value), '', 'output-text'));
  }
  return box;
}

/** Renders one nbformat output (stream, display_data, execute_result, error). */
export function renderOutput(output: Json): HTMLElement {
  const wrap = el('div', `output output-${String(output.output_type)}`, 'output');
  wrap.dataset.outputType = String(output.output_type);
  switch (output.output_type) {
    case 'stream': {
      const name = output.name === 'stderr' ? 'stderr' : 'stdout';
      wrap.append(textBlock(asText(output.text ?? ''), `output-stream-${name}`, 'output-stream'));
      break;
    }
    case 'error': {
      const trace = Array.isArray(output.traceback) ? output.traceback.join('\n') : '';
      const text = trace || `${String(output.ename)}: ${String(output.evalue)}`;
      wrap.append(textBlock(text, 'output-error-text', 'output-error'));
      break;
    }
    case 'display_data':
    case 'execute_result':
      wrap.append(renderBundle((output.data ?? {}) as Json, (output.metadata ?? {}) as Json));
      break;
    default: {
      const fallback = el('div', 'output-fallback', 'output-fallback');
      fallback.textContent = `Unknown output type ${JSON.stringify(output.output_type)}.`;
      wrap.append(fallback);
    }
  }
  return wrap;
}
