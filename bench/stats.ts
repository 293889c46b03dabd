/** Small statistics and formatting shared by the benches that are not the HTTP side-by-side one. */

/** The value at fraction `p` (0.5 = median) of `values`, nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** `12,345`: whole numbers with thousands separators, as every bench table prints them. */
export const wholeNumber = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Up to `digits` decimals, no trailing zeros: `0.42`, `1.5`, `12`. */
export const decimal = (value: number, digits = 2): string => String(Number(value.toFixed(digits)));
