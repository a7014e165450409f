import DOMPurify from 'dompurify';
import {
  ALLOWED_POSITIONS,
  STYLE_SCOPE_ATTRIBUTE,
  newStyleScope,
  scopeStyleSheet,
} from './scoped-style';

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  // Links in untrusted content open outside the app, never replace it.
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  // An output stays in its box (app.css contains it too): no fixed or sticky positioning.
  const style = (node as Partial<ElementCSSInlineStyle>).style;
  if (style && node.hasAttribute('style')) {
    const position = style.getPropertyValue('position').trim().toLowerCase();
    if (position && !ALLOWED_POSITIONS.has(position)) style.removeProperty('position');
    if (style.length === 0) node.removeAttribute('style');
  }
});

const FORBID_TAGS = ['form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame'];
const FORBID_ATTR = ['srcset', 'action', 'formaction', 'popover', 'popovertarget'];

/**
 * Sanitizes untrusted HTML (markdown) for insertion into the app's page: no scripts, no event
 * handlers, no forms, no <style> (it would restyle the whole app), no frames, no fixed or sticky
 * positioning (app.css also contains each output's painting to its own box).
 */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', ...FORBID_TAGS],
    FORBID_ATTR,
  });
}

/**
 * Sanitizes an output's untrusted HTML into `box` as sanitizeHtml does, except that its <style>
 * elements (pandas' `<style scoped>` tables) are kept, rewritten to apply inside `box` only
 * (scoped-style.ts): `box` gets a fresh style scope.
 */
export function renderOutputHtml(box: HTMLElement, html: string): void {
  const clean = DOMPurify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: [...FORBID_ATTR, STYLE_SCOPE_ATTRIBUTE],
    // A leading <style> would otherwise be parsed into the head and lost.
    FORCE_BODY: true,
  });
  // A template's content is inert: no style applies before it is rewritten.
  const template = document.createElement('template');
  template.innerHTML = clean;
  const styles = template.content.querySelectorAll('style');
  if (styles.length) {
    const scope = newStyleScope();
    box.setAttribute(STYLE_SCOPE_ATTRIBUTE, scope);
    for (const style of styles) {
      const scoped = scopeStyleSheet(style.textContent ?? '', scope);
      for (const name of style.getAttributeNames()) style.removeAttribute(name);
      style.textContent = scoped;
    }
  }
  box.append(template.content);
}
