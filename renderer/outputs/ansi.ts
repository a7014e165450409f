// ANSI escape sequences (SGR colours and styles) to HTML, as Jupyter shows streams and tracebacks.
// Pure: takes text, returns escaped HTML.

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface Style {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

const plain = (): Style => ({ fg: null, bg: null, bold: false, italic: false, underline: false });

// A colour is either a class suffix ("red", "bright-red") or an rgb() value.
function xterm256(n: number): string {
  if (n < 8) return NAMES[n] as string;
  if (n < 16) return `bright-${NAMES[n - 8]}`;
  if (n < 232) {
    const v = n - 16;
    const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))},${c(Math.floor(v / 6) % 6)},${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

function applyCodes(style: Style, codes: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c === 0) Object.assign(s, plain());
    else if (c === 1) s.bold = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = NAMES[c - 30] as string;
    else if (c >= 90 && c <= 97) s.fg = `bright-${NAMES[c - 90]}`;
    else if (c >= 40 && c <= 47) s.bg = NAMES[c - 40] as string;
    else if (c >= 100 && c <= 107) s.bg = `bright-${NAMES[c - 100]}`;
    else if (c === 39) s.fg = null;
    else if (c === 49) s.bg = null;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5 && codes[i + 2] !== undefined) {
      const colour = xterm256(codes[i + 2] as number);
      if (c === 38) s.fg = colour;
      else s.bg = colour;
      i += 2;
    } else if ((c === 38 || c === 48) && codes[i + 1] === 2 && codes[i + 4] !== undefined) {
      const colour = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
      if (c === 38) s.fg = colour;
      else s.bg = colour;
      i += 4;
    }
  }
  return s;
}

function open(s: Style): string {
  const classes: string[] = [];
  const css: string[] = [];
  const colour = (value: string | null, layer: 'fg' | 'bg') => {
    if (value === null) return;
    if (value.startsWith('rgb('))
      css.push(`${layer === 'fg' ? 'color' : 'background-color'}:${value}`);
    else classes.push(`ansi-${value}-${layer}`);
  };
  colour(s.fg, 'fg');
  colour(s.bg, 'bg');
  if (s.bold) classes.push('ansi-bold');
  if (s.italic) classes.push('ansi-italic');
  if (s.underline) classes.push('ansi-underline');
  if (classes.length === 0 && css.length === 0) return '';
  const cls = classes.length ? ` class="${classes.join(' ')}"` : '';
  const st = css.length ? ` style="${css.join(';')}"` : '';
  return `<span${cls}${st}>`;
}

/**
 * Keeps what a terminal would show of carriage returns: on each line, the text after the last
 * lone `\r` overwrites what came before it.
 */
export function applyCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      let shown = '';
      for (const p of parts) shown = p + shown.slice(p.length);
      return shown;
    })
    .join('\n');
}

/**
 * Converts text with ANSI SGR sequences into escaped HTML with `ansi-*` classes (named colours,
 * bold, italic, underline) or inline rgb colours (256-colour and true-colour codes). Other escape
 * sequences are dropped.
 */
export function ansiToHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  const re = /\x1b\[([0-9;]*)([A-Za-z])/g;
  const input = applyCarriageReturns(text);
  let out = '';
  let style = plain();
  let last = 0;
  let spanOpen = '';
  const emit = (chunk: string) => {
    if (!chunk) return;
    out += spanOpen ? `${spanOpen}${escapeHtml(chunk)}</span>` : escapeHtml(chunk);
  };
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    emit(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = (m[1] ?? '').split(';').map((c) => (c === '' ? 0 : Number(c)));
    style = applyCodes(style, codes);
    spanOpen = open(style);
  }
  // eslint-disable-next-line no-control-regex
  emit(input.slice(last).replace(/\x1b[^a-zA-Z]*[a-zA-Z]?/g, ''));
  return out;
}

/** The text without any ANSI escape sequences (for copying and searching). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}
