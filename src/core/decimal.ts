/** A decimal number as CSV files write them: no blanks, `NaN`, `Infinity` or hex. */
export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
