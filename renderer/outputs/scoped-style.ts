// An output's own <style> (pandas' `<style scoped>` table styling, Styler tables), kept but
// confined to that output: every selector is rewritten to match only inside the output's box, and
// whatever could reach past it is dropped (global at-rules, nesting, fixed or sticky positioning).

/** The attribute naming an output's style scope; content may not carry it (sanitize.ts). */
export const STYLE_SCOPE_ATTRIBUTE = 'data-style-scope';

/** The only `position` values untrusted content keeps: anything else (fixed, sticky, var(…)) is dropped. */
export const ALLOWED_POSITIONS = new Set(['static', 'relative', 'absolute']);

// Unguessable per page, so content cannot name another output's scope in advance.
const PAGE_SCOPE = Math.random().toString(36).slice(2, 8);
let scopes = 0;

/** A fresh scope name for one output's box. */
export function newStyleScope(): string {
  return `${PAGE_SCOPE}-${++scopes}`;
}

/** The selectors of a selector list: split at its top-level commas (not in (), [] or strings). */
export function splitSelectors(list: string): string[] {
  const selectors: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      selectors.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  selectors.push(list.slice(start).trim());
  return selectors.filter((s) => s !== '');
}

/**
 * A declaration block without what may not leave the box: `position` other than static, relative
 * or absolute (fixed would be placed against the viewport were it not for the box's paint
 * containment; sticky sticks to the app's scroller).
 */
function declarations(style: CSSStyleDeclaration): string {
  const out: string[] = [];
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    const value = style.getPropertyValue(name).trim();
    if (name === 'position' && !ALLOWED_POSITIONS.has(value.toLowerCase())) continue;
    const important = style.getPropertyPriority(name) ? ' !important' : '';
    out.push(`${name}: ${value}${important};`);
  }
  return out.join(' ');
}

function scopeRules(rules: CSSRuleList, scope: string): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    if (rule instanceof CSSStyleRule) {
      // A complex selector "SCOPE X" matches only descendants of SCOPE, whatever X holds (:has,
      // :is, &, :root): the subject is always inside the box. Nested rules are dropped: one
      // relative to `&` could select an ancestor ("body:has(&)").
      const selectors = splitSelectors(rule.selectorText).map((s) => `${scope} ${s}`);
      const body = declarations(rule.style);
      if (selectors.length && body) out.push(`${selectors.join(', ')} { ${body} }`);
    } else if (rule instanceof CSSMediaRule || rule instanceof CSSSupportsRule) {
      const inner = scopeRules(rule.cssRules, scope);
      const at = rule instanceof CSSMediaRule ? '@media' : '@supports';
      if (inner.length) out.push(`${at} ${rule.conditionText} { ${inner.join(' ')} }`);
    }
    // Everything else names or changes something of the whole page, and is dropped: @import
    // (fetches), @font-face, @keyframes, @counter-style, @property and @font-feature-values
    // (global names an app style could be using), @layer (the page's cascade order), @scope and
    // @page, @namespace, @container (kept simple: rare in outputs).
  }
  return out;
}

/**
 * The style sheet `css` confined to the element carrying `STYLE_SCOPE_ATTRIBUTE="scope"`: each
 * selector prefixed with it, global at-rules and nesting dropped, fixed and sticky positioning
 * removed. Parsed by the browser's own CSS parser, so what it reads is what the page would.
 */
export function scopeStyleSheet(css: string, scope: string): string {
  const sheet = new CSSStyleSheet();
  // A style sheet made in script never fetches: @import rules are ignored (with a warning).
  sheet.replaceSync(css.replace(/@import[^;]*;?/gi, ''));
  return scopeRules(sheet.cssRules, `[${STYLE_SCOPE_ATTRIBUTE}="${scope}"]`).join('\n');
}
