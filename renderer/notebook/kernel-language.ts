// The language code cells are highlighted in: the kernel's (metadata.language_info, or the
// kernelspec's), its mode loaded on demand (editor/languages.ts), followed when the kernel changes.
import type { LanguageSupport } from '@codemirror/language';
import * as Y from 'yjs';
import { metaOf } from '../../protocol/ydoc-nbformat';
import { findCodeLanguage, kernelLanguage } from '../editor/languages';
import type { CellView } from './cell-view';

/** Follows the notebook metadata's kernel language, and has every cell view follow it. */
export class KernelLanguage {
  /** The language code cells are highlighted in, and the kernel language it was chosen for. */
  private language: { name: string | null; support: LanguageSupport | null } = {
    name: null,
    support: findCodeLanguage(null)?.support ?? null,
  };
  private observedMetadata: Y.Map<unknown> | null = null;
  private destroyed = false;

  constructor(
    private readonly doc: Y.Doc,
    /** The notebook's element: its `data-language` names the language shown. */
    private readonly element: HTMLElement,
    private readonly views: () => readonly CellView[],
  ) {
    metaOf(doc).observe(this.onMetaChange);
    this.onMetaChange();
  }

  /** The language of code cells now (null: plain text). */
  get support(): LanguageSupport | null {
    return this.language.support;
  }

  /** Stops following the metadata. */
  destroy(): void {
    this.destroyed = true;
    metaOf(this.doc).unobserve(this.onMetaChange);
    this.observedMetadata?.unobserve(this.onMetadataChange);
  }

  // The notebook's metadata map, replaced (a reload) or written (the kernel changed).
  private onMetaChange = (): void => {
    const metadata = metaOf(this.doc).get('metadata');
    const next = metadata instanceof Y.Map ? metadata : null;
    if (next !== this.observedMetadata) {
      this.observedMetadata?.unobserve(this.onMetadataChange);
      this.observedMetadata = next;
      next?.observe(this.onMetadataChange);
    }
    this.onMetadataChange();
  };

  /** Highlights code cells in the kernel's language, loading its mode on demand. */
  private onMetadataChange = (): void => {
    const metadata = this.observedMetadata;
    const name = kernelLanguage((key) => metadata?.get(key));
    if (name === this.language.name && this.element.dataset.language) return;
    const description = findCodeLanguage(name);
    const apply = (support: LanguageSupport | null) => {
      if (this.destroyed || this.language.name !== name) return;
      this.language = { name, support };
      this.element.dataset.language = description?.name.toLowerCase() ?? 'text';
      for (const v of this.views()) v.updateCodeLanguage();
    };
    this.language = { ...this.language, name };
    if (!description) apply(null);
    else if (description.support) apply(description.support);
    else {
      description.load().then(apply, () => apply(null));
    }
  };
}
