// Build-time stand-in for `sharp` (image decoding): typofix handles text only.
export default function sharp(): never {
  throw new Error("image support is not included in typofix");
}
