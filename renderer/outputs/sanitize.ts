import DOMPurify from 'dompurify';

/** The only `position` values untrusted content keeps: anything else (fixed, sticky, var(…)) is dropped. */
const ALLOWED_POSITIONS = new Set(['static', 'relative', 'absolute']);

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

/**
 * Sanitizes untrusted HTML (outputs, markdown) for insertion into the app's page: no scripts, no
 * event handlers, no forms, no <style> (it would restyle the whole app), no frames, no fixed or
 * sticky positioning (app.css also contains each output's painting to its own box).
 */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame'],
    FORBID_ATTR: ['srcset', 'action', 'formaction', 'popover', 'popovertarget'],
  });
}
