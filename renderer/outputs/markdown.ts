import katex from 'katex';
import { Marked, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import { sanitizeHtml } from './sanitize';

/** Attachments of a markdown cell: name → MIME bundle (base64 for images). */
export type Attachments = Record<string, Record<string, unknown>>;

/** Renders TeX with KaTeX; a formula KaTeX cannot read is shown in red, not thrown. */
export function renderTex(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, {
    displayMode,
    throwOnError: false,
    output: 'html',
    trust: false,
  });
}

interface MathToken extends Tokens.Generic {
  text: string;
  display: boolean;
}

const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src) => src.match(/\$\$|\\begin\{/)?.index,
  tokenizer(src) {
    const m =
      /^\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src) ??
      /^(\\begin\{([a-z*]+)\}[\s\S]+?\\end\{\2\})[^\S\n]*(?:\n|$)/.exec(src);
    if (!m) return undefined;
    return { type: 'blockMath', raw: m[0], text: (m[1] ?? '').trim(), display: true };
  },
  renderer: (token) =>
    `<div class="math-display">${renderTex((token as MathToken).text, true)}</div>`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: (src) => (src.indexOf('$') >= 0 ? src.indexOf('$') : undefined),
  tokenizer(src) {
    const m = /^\$\$([\s\S]+?)\$\$/.exec(src) ?? /^\$((?:\\.|[^$\\\n])+?)\$(?!\d)/.exec(src);
    if (!m) return undefined;
    const display = m[0].startsWith('$$');
    return { type: 'inlineMath', raw: m[0], text: (m[1] ?? '').trim(), display };
  },
  renderer: (token) => renderTex((token as MathToken).text, (token as MathToken).display),
};

const marked = new Marked({ gfm: true, async: false });
marked.use({ extensions: [blockMath, inlineMath] });

/**
 * Renders a markdown cell or output to sanitized HTML: GitHub-flavoured markdown, TeX math
 * ($…$, $$…$$, \begin{…}), images, tables, and `attachment:NAME` images from `attachments`.
 */
export function renderMarkdown(source: string, attachments: Attachments | null = null): string {
  const html = marked.parse(source, {
    async: false,
    walkTokens: (token) => {
      if (token.type !== 'image' || !token.href.startsWith('attachment:')) return;
      const bundle = attachments?.[decodeURIComponent(token.href.slice('attachment:'.length))];
      const mime = bundle && Object.keys(bundle).find((k) => k.startsWith('image/'));
      if (bundle && mime) {
        const data = bundle[mime];
        token.href =
          mime === 'image/svg+xml'
            ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(String(data))}`
            : `data:${mime};base64,${String(data).replace(/\s/g, '')}`;
      }
    },
  }) as string;
  return sanitizeHtml(html);
}
