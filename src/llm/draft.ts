/**
 * Copy drafts for speculative (prompt-lookup) decoding: a corrected sentence is mostly a copy of its
 * input, so the tokens that follow the output's position in the input are a good guess of what the
 * model writes next. The drafter aligns the output to the input — by the longest of its last 1–3 tokens
 * found in the input near the expected place, or, where the output has just rewritten a word, by the
 * tokens before it and a jump to the next word of the input — and proposes the next k input tokens.
 * Drafts only save forward passes: the decoder verifies them, so a bad guess never changes the output.
 * Cost: O(input · 3) per draft, no allocation beyond the draft.
 */

export class CopyDrafter {
  /** Input position the output is aligned to (the next input token to copy). */
  private ptr = 0;
  /** The last draft: output length when it was made, and where in the input it started. */
  private last = { at: -1, start: 0 };

  /**
   * @param source the input's tokens, usually followed by the stop token (a copy ends the answer)
   * @param wordStart whether a token begins a word (a space or punctuation before it); without it any
   *   token may begin one
   */
  constructor(
    private source: readonly number[],
    private wordStart: (id: number) => boolean = () => true,
  ) {}

  /** Up to `k` tokens expected after `out` (the output so far, its last token not yet fed). */
  draft(out: readonly number[], k: number): number[] {
    if (k <= 0) return [];
    const s = this.source;
    // the accepted part of the last draft moves the alignment on
    if (this.last.at >= 0 && this.last.at <= out.length) {
      let m = 0;
      while (this.last.at + m < out.length && out[this.last.at + m] === s[this.last.start + m]) m++;
      this.ptr = this.last.start + m;
    }
    const d = this.propose(out, k);
    this.last = { at: out.length, start: this.ptr };
    return d;
  }

  private propose(out: readonly number[], k: number): number[] {
    const s = this.source;
    if (!out.length) return s.slice(0, k);
    // the output's last tokens found in the input: copy on from there
    for (let n = Math.min(3, out.length); n >= 1; n--) {
      const i = this.find(out, out.length - n, n, n === 1 ? 2 : s.length);
      if (i >= 0) {
        this.ptr = i + n;
        return s.slice(this.ptr, this.ptr + k);
      }
    }
    // the last token rewrites input text: align by the tokens before it, resume at the next input word
    let p = this.ptr;
    for (let n = Math.min(3, out.length - 1); n >= 1; n--) {
      const i = this.find(out, out.length - 1 - n, n, s.length);
      if (i >= 0) {
        p = i + n;
        break;
      }
    }
    let j = p + 1;
    while (j < s.length && !this.wordStart(s[j]!)) j++;
    this.ptr = j;
    return s.slice(j, j + k);
  }

  /**
   * Where out[from, from+n) occurs in the input: the first match at or after the aligned position
   * (a little before it allowed), within `reach` tokens of it; else, for longer n-grams, anywhere.
   */
  private find(out: readonly number[], from: number, n: number, reach: number): number {
    const s = this.source;
    const match = (i: number) => {
      for (let t = 0; t < n; t++) if (s[i + t] !== out[from + t]) return false;
      return true;
    };
    const start = Math.max(0, this.ptr - n);
    for (let i = start; i <= Math.min(s.length - n, this.ptr + reach); i++) if (match(i)) return i;
    if (reach < s.length) return -1;
    for (let i = 0; i < start && i <= s.length - n; i++) if (match(i)) return i;
    return -1;
  }
}
