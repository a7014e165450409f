/** A colour theme; 'system' follows prefers-color-scheme. */
export type Theme = 'light' | 'dark' | 'system';

const STORAGE_KEY = 'pairbook:theme';

/** The theme chosen before, or 'system'. */
export function storedTheme(): Theme {
  const t = localStorage.getItem(STORAGE_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

/** The theme actually shown for `theme` now. */
export function effectiveTheme(theme: Theme): 'light' | 'dark' {
  if (theme !== 'system') return theme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies `theme` to the page (the `data-theme` attribute the CSS keys on) and remembers it. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, theme);
  document.documentElement.dataset.theme = effectiveTheme(theme);
}
