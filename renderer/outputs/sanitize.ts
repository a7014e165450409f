import DOMPurify from 'dompurify';

// Links in untrusted content open outside the app, never replace it.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Sanitizes untrusted HTML (outputs, markdown) for insertion into the app's page: no scripts, no
 * event handlers, no forms, no <style> (it would restyle the whole app), no frames.
 */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame'],
    FORBID_ATTR: ['srcset', 'action', 'formaction'],
  });
}
